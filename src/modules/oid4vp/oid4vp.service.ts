import { outboundUrlProblem } from '../../domain/net/public-address.js';
import { OutboundRefusedError, postJsonOutbound } from '../../common/outbound.js';
import { createHash, createPublicKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SDJwt } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import type { CallbackContext } from '@openid4vc/oauth2';
import { Openid4vpVerifier, type Openid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/utils';
import { compactDecrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { LOGGER } from '../../common/logger.module.js';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { signCompactJws, type JoseAlgorithm } from '../../domain/keys/ecdsa.js';
import { SecretBox } from '../../domain/keys/secret-box.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { dcqlVerdict, parseDcqlQuery, type PresentedCredential } from '../../domain/oid4vp/dcql.js';
import { DEFAULT_TTL_SECONDS, EXPIRED_RESULT, KEEP_AFTER_EXPIRY_MS, publicState, requestObjectRefusal, responseRefusal, TRANSITIONS, type OAuthRefusal, type PublicState, type ResponseMode } from '../../domain/oid4vp/request.js';
import { isSdJwtPresentation, refusalOf, walletError } from '../../domain/oid4vp/response.js';
import type { IssuerPrincipal } from '../auth/issuer.guard.js';
import { VerificationService } from '../credentials/verification.service.js';
import { NetworkService } from '../network/network.service.js';
import { decodeJws, JWS_ALGORITHMS } from '../registry/did-jws.js';
import { RegistrarService } from '../registry/registrar.service.js';
import type { CreatePresentationRequestDto } from './oid4vp.dto.js';
import { Oid4vpRequestEntity } from './oid4vp-request.entity.js';
import { Oid4vpRequestRepository } from './oid4vp-request.repository.js';

/** An OAuth error for the wallet, with its HTTP status (answered as application/json by the wallet filter). */
export class OAuthException extends Error {
  constructor(
    readonly status: number,
    readonly refusal: OAuthRefusal,
  ) {
    super(refusal.error_description);
  }
}

const WEBHOOK_TIMEOUT_MS = 5_000;
const PRUNE_INTERVAL_MS = 3_600_000;
const ALGORITHMS = Object.keys(JWS_ALGORITHMS) as [string, ...string[]];

interface StoredQuery {
  dcql: unknown;
  purpose?: string;
  trustedIssuers?: string[];
  requireAccreditation?: boolean;
}

export interface PresentationRequestState {
  id: string;
  state: PublicState;
  expiresAt: string;
  result: Record<string, unknown> | null;
}

/**
 * The relying-party side of OpenID4VP 1.0 (docs/wallets.md): signed request objects by
 * reference, client identifier prefix decentralized_identifier (the tenant's DID here), DCQL,
 * responses by direct_post or direct_post.jwt, each presentation verified by the
 * VerificationService exactly as POST /presentations/verify does.
 */
@Injectable()
export class Oid4vpService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly box: SecretBox;
  private readonly webhookAllowPrivateNetworks: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly requests: Oid4vpRequestRepository,
    private readonly registrar: RegistrarService,
    private readonly verification: VerificationService,
    private readonly network: NetworkService,
    @Inject(REGION_CONFIG) config: RegionConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.box = new SecretBox(config.keyEncryptionSecret);
    this.webhookAllowPrivateNetworks = config.webhookAllowPrivateNetworks;
    // The library refuses http:// response and request URIs unless told; a region served over http (local runs, tests) needs them.
    if (this.network.self.url.startsWith('http://')) setGlobalConfig({ allowInsecureUrls: true });
  }

  onApplicationBootstrap(): void {
    const tick = () => void this.prune().catch((error: unknown) => this.log.warn({ err: error }, 'oid4vp request pruning failed'));
    tick();
    this.timer = setInterval(tick, PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes requests (and their results) a day after they expired; hourly, and what tests call. */
  async prune(now = Date.now()): Promise<number> {
    const deleted = await this.requests.deleteExpiredBefore(new Date(now - KEEP_AFTER_EXPIRY_MS).toISOString());
    if (deleted > 0) this.log.info({ deleted }, 'oid4vp requests pruned');
    return deleted;
  }

  private urlOf(id: string, what: string): string {
    return `${this.network.self.url}/oid4vp/requests/${id}/${what}`;
  }

  /** The library's verifier with our crypto: signing with the tenant DID's key, decrypting with the request's ephemeral key. */
  private verifier(signing?: { key: KeyObject; alg: JoseAlgorithm }, decryption?: JWK): Openid4vpVerifier {
    return new Openid4vpVerifier({ callbacks: this.callbacks(signing, decryption) });
  }

  private callbacks(signing?: { key: KeyObject; alg: JoseAlgorithm }, decryption?: JWK): Omit<CallbackContext, 'generateRandom' | 'clientAuthentication'> {
    const unavailable = (): never => {
      throw new Error('not used by the verifier');
    };
    return {
      hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
      signJwt: (_signer, jwt) => {
        if (!signing) return unavailable();
        const compact = signCompactJws({ ...jwt.header, alg: signing.alg }, JSON.stringify(jwt.payload), signing.key);
        return { jwt: compact, signerJwk: createPublicKey(signing.key).export({ format: 'jwk' }) as never };
      },
      verifyJwt: () => ({ verified: false }),
      encryptJwe: unavailable,
      decryptJwe: async (jwe) => {
        if (!decryption) return { decrypted: false };
        try {
          const { plaintext } = await compactDecrypt(jwe, await importJWK(decryption, 'ECDH-ES'), { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A128GCM', 'A256GCM'] });
          const { d: _d, ...publicJwk } = decryption;
          return { decrypted: true, decryptionJwk: publicJwk as never, payload: new TextDecoder().decode(plaintext) };
        } catch {
          return { decrypted: false };
        }
      },
    };
  }

  async create(issuer: IssuerPrincipal, body: CreatePresentationRequestDto): Promise<{ id: string; authorizationRequest: string; requestUri: string; clientId: string; expiresAt: string; qrCode: { png: string; svg: string } }> {
    const parsed = parseDcqlQuery(body.dcql);
    if ('problem' in parsed) throw new InvalidInputError(parsed.problem, { errors: [{ pointer: parsed.pointer, detail: parsed.problem }] });
    const responseMode: ResponseMode = body.responseMode ?? 'direct_post';
    const webhookProblem = body.webhook !== undefined && !this.webhookAllowPrivateNetworks ? outboundUrlProblem(body.webhook) : null;
    if (webhookProblem) {
      throw new InvalidInputError(`webhook ${webhookProblem}: this region calls only public addresses (WEBHOOK_ALLOW_PRIVATE_NETWORKS)`, { errors: [{ pointer: '/webhook', detail: webhookProblem }] });
    }
    const { kid, alg, key } = await this.registrar.assertionKey(issuer, body.clientDid);
    const id = randomUUID();
    const nonce = randomBytes(32).toString('base64url');
    const state = randomBytes(24).toString('base64url');
    const clientId = `decentralized_identifier:${body.clientDid}`;
    const ttl = body.expiresInSeconds ?? DEFAULT_TTL_SECONDS;
    let decryptionKey: string | null = null;
    let encryption = {};
    if (responseMode === 'direct_post.jwt') {
      // An ephemeral key of this request alone: the wallet encrypts its response to it (OpenID4VP 1.0 section 8.3).
      const pair = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
      const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: `${id}#enc`, use: 'enc', alg: 'ECDH-ES' };
      decryptionKey = this.box.seal(Buffer.from(JSON.stringify({ ...(await exportJWK(pair.privateKey)), kid: publicJwk.kid, alg: 'ECDH-ES' })), `oid4vp:${id}`);
      encryption = { jwks: { keys: [publicJwk] }, encrypted_response_enc_values_supported: ['A128GCM', 'A256GCM'] };
    }
    const created = await this.verifier({ key, alg }).createOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: {
        response_type: 'vp_token',
        client_id: clientId,
        response_uri: this.urlOf(id, 'response'),
        response_mode: responseMode,
        nonce,
        state,
        dcql_query: body.dcql,
        client_metadata: { vp_formats_supported: { 'dc+sd-jwt': { 'sd-jwt_alg_values': ALGORITHMS, 'kb-jwt_alg_values': ALGORITHMS } }, ...encryption },
      },
      // aud: wallets are not known in advance, so the static-discovery audience (OpenID4VP 1.0, "aud of a Request Object"), not the library's default (the request_uri).
      jar: { requestUri: this.urlOf(id, 'request'), jwtSigner: { method: 'did', didUrl: kid, alg }, expiresInSeconds: ttl, additionalJwtPayload: { aud: 'https://self-issued.me/v2' } },
    });
    const now = Date.now();
    const expiresAt = new Date(now + ttl * 1000).toISOString();
    const query: StoredQuery = { dcql: body.dcql, ...(body.purpose ? { purpose: body.purpose } : {}), ...(body.trustedIssuers ? { trustedIssuers: body.trustedIssuers } : {}), ...(body.requireAccreditation ? { requireAccreditation: true } : {}) };
    await this.requests.insert(
      Object.assign(new Oid4vpRequestEntity(), {
        id,
        tenantId: issuer.id,
        status: 'created',
        clientId,
        nonce,
        state,
        responseMode,
        query: JSON.stringify(query),
        requestObject: created.jar!.authorizationRequestJwt,
        authorizationRequest: created.authorizationRequest,
        decryptionKey,
        webhook: body.webhook ?? null,
        result: null,
        createdAt: new Date(now).toISOString(),
        expiresAt,
      }),
    );
    return { id, authorizationRequest: created.authorizationRequest, requestUri: this.urlOf(id, 'request'), clientId, expiresAt, qrCode: { png: this.urlOf(id, 'qr.png'), svg: this.urlOf(id, 'qr.svg') } };
  }

  /** The request as its relying party sees it; another tenant's is not found. */
  async read(issuer: IssuerPrincipal, id: string): Promise<PresentationRequestState> {
    const request = await this.requests.find(id);
    if (!request || request.tenantId !== issuer.id) throw new NotFoundError(`no presentation request ${id} of your tenant`);
    const state = publicState(request, Date.now());
    const result = request.result !== null ? (JSON.parse(request.result) as Record<string, unknown>) : state === 'failed' ? { ...EXPIRED_RESULT } : null;
    return { id, state, expiresAt: request.expiresAt, result };
  }

  /** The QR code of the authorization request, for the relying party's page. */
  async qrCode(id: string, type: 'png' | 'svg'): Promise<Buffer | string> {
    const request = await this.requests.find(id);
    if (!request) throw new NotFoundError(`no presentation request ${id}`);
    return type === 'png' ? QRCode.toBuffer(request.authorizationRequest, { type: 'png', errorCorrectionLevel: 'M' }) : QRCode.toString(request.authorizationRequest, { type: 'svg', errorCorrectionLevel: 'M' });
  }

  /** The signed request object, handed out once. */
  async requestObject(id: string): Promise<string> {
    const request = await this.requests.find(id);
    if (!request) throw new OAuthException(404, { error: 'invalid_request_uri', error_description: 'no such request' });
    const refusal = requestObjectRefusal(request, Date.now());
    if (refusal) throw new OAuthException(400, refusal);
    if (!(await this.requests.transition(id, TRANSITIONS.fetch.from, TRANSITIONS.fetch.to))) {
      throw new OAuthException(400, { error: 'invalid_request_uri', error_description: 'the request object was already fetched: a request_uri is single use' });
    }
    return request.requestObject;
  }

  /**
   * A wallet's authorization response. What cannot be read as a response for this request
   * (malformed, wrong state, undecryptable) is refused and leaves the request waiting; a
   * response that is read ends it, completed or failed, once.
   */
  async respond(id: string, body: Record<string, unknown>): Promise<Record<string, never>> {
    const request = await this.requests.find(id);
    if (!request) throw new OAuthException(404, { error: 'invalid_request', error_description: 'no such request' });
    const refusal = responseRefusal(request, Date.now());
    if (refusal) throw new OAuthException(400, refusal);
    const decryption = request.decryptionKey ? (JSON.parse(Buffer.from(this.box.open(request.decryptionKey, `oid4vp:${id}`)).toString('utf8')) as JWK) : undefined;
    // A wallet's error comes as it is, or (direct_post.jwt) inside the JWE.
    const errorFields = typeof body.response === 'string' && decryption ? ((await this.decrypted(body.response, decryption)) ?? {}) : body;
    const reported = walletError(errorFields);
    if (reported && 'invalid' in reported) throw new OAuthException(400, reported.invalid);
    if (reported && errorFields.state !== request.state) throw new OAuthException(400, { error: 'invalid_request', error_description: 'state does not match the request' });
    if (!(await this.requests.transition(id, TRANSITIONS.answer.from, TRANSITIONS.answer.to))) throw new OAuthException(400, { error: 'invalid_request', error_description: 'this request was already answered: a response is accepted once' });
    if (reported) {
      await this.finish(request, 'failed', { verified: false, ...reported, error_description: reported.error_description ?? `the wallet answered ${reported.error}` });
      return {};
    }
    const payload = decodeJws(request.requestObject)!.payload as unknown as Openid4vpAuthorizationRequest;
    let parsed: Awaited<ReturnType<Openid4vpVerifier['parseOpenid4vpAuthorizationResponse']>>;
    try {
      const callbacks = this.callbacks(undefined, decryption);
      parsed = await new Openid4vpVerifier({ callbacks }).parseOpenid4vpAuthorizationResponse({ authorizationResponse: body, authorizationRequestPayload: payload, callbacks });
      if (parsed.type !== 'dcql') throw new Error('the request asked with a DCQL query: the vp_token is an object keyed by credential query id');
    } catch (error) {
      await this.requests.transition(id, 'answering', 'fetched'); // not a response to this request: it may still get one
      throw new OAuthException(400, refusalOf(error));
    }
    const outcome = await this.verifyPresentations(request, parsed.dcql.presentations);
    if ('refusal' in outcome) {
      await this.finish(request, 'failed', { verified: false, ...outcome.refusal, ...(outcome.checks ? { checks: outcome.checks } : {}) });
      throw new OAuthException(400, outcome.refusal);
    }
    await this.finish(request, 'completed', { verified: true, credentials: outcome.credentials, warnings: outcome.warnings });
    return {};
  }

  /** The JSON object a JWE to this request's key carries, or undefined (not one, or not to this key). */
  private async decrypted(jwe: string, decryption: JWK): Promise<Record<string, unknown> | undefined> {
    const result = await this.callbacks(undefined, decryption).decryptJwe(jwe);
    if (!result.decrypted) return undefined;
    try {
      const value: unknown = JSON.parse(result.payload);
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Every presentation verified as POST /presentations/verify does (nonce and client id bound), then the DCQL query. */
  private async verifyPresentations(
    request: Oid4vpRequestEntity,
    presentations: Record<string, readonly unknown[]>,
  ): Promise<{ credentials: Record<string, unknown[]>; warnings: unknown[] } | { refusal: OAuthRefusal; checks?: unknown[] }> {
    const query = JSON.parse(request.query) as StoredQuery;
    const presented: Record<string, PresentedCredential[]> = {};
    const credentials: Record<string, unknown[]> = {};
    const warnings: unknown[] = [];
    const failed: unknown[] = [];
    for (const [queryId, entries] of Object.entries(presentations)) {
      presented[queryId] = [];
      credentials[queryId] = [];
      for (const entry of entries) {
        if (!isSdJwtPresentation(entry)) return { refusal: { error: 'vp_formats_not_supported', error_description: `credential query ${queryId}: only dc+sd-jwt presentations (compact SD-JWT with a key-binding JWT) are verified here` } };
        const result = await this.verification.verify(entry, {
          challenge: request.nonce,
          domain: request.clientId,
          requireHolderBinding: true,
          ...(query.purpose ? { purpose: query.purpose } : {}),
          ...(query.requireAccreditation ? { requireAccreditation: true } : {}),
        });
        failed.push(...result.errors.map((e) => ({ credentialQuery: queryId, ...e })));
        warnings.push(...result.warnings.map((w) => ({ credentialQuery: queryId, ...w })));
        if (!result.verified || !result.credential) continue;
        // The query is matched against what the wallet disclosed; the relying party gets what the policy lets it receive.
        const disclosed = (await (await SDJwt.fromEncode(entry, digest)).getClaims(digest)) as Record<string, unknown>;
        presented[queryId].push({ format: 'dc+sd-jwt', issuer: String(disclosed.iss), vct: String(disclosed.vct), claims: disclosed, holderBound: true });
        credentials[queryId].push({ format: 'dc+sd-jwt', issuer: disclosed.iss, vct: disclosed.vct, claims: result.credential });
      }
    }
    if (failed.length > 0) {
      const checks = [...new Set(failed.map((f) => (f as { check: string }).check))].join(', ');
      return { refusal: { error: 'invalid_request', error_description: `the presentation did not verify (${checks})` }, checks: failed };
    }
    const dcql = parseDcqlQuery(query.dcql);
    if ('problem' in dcql) return { refusal: { error: 'invalid_request', error_description: dcql.problem } };
    const verdict = dcqlVerdict(dcql.query, presented, query.trustedIssuers);
    if (!verdict.satisfied) return { refusal: { error: 'invalid_request', error_description: verdict.problem } };
    return { credentials, warnings };
  }

  /** Records the result (answering → completed or failed) and posts it to the webhook, once. */
  private async finish(request: Oid4vpRequestEntity, to: 'completed' | 'failed', result: Record<string, unknown>): Promise<void> {
    await this.requests.transition(request.id, 'answering', to, result);
    if (request.webhook) void this.notify(request.webhook, { id: request.id, state: to, result });
  }

  /** POSTs the result to the relying party's webhook: bounded time, no redirects followed, failures logged without the URL's query. */
  private async notify(url: string, body: unknown): Promise<void> {
    try {
      const status = await postJsonOutbound(url, body, { timeoutMs: WEBHOOK_TIMEOUT_MS, allowPrivateNetworks: this.webhookAllowPrivateNetworks });
      if (status < 200 || status > 299) this.log.warn({ webhook: new URL(url).origin, status }, 'oid4vp webhook refused the result');
    } catch (error) {
      const reason = error instanceof OutboundRefusedError ? error.message : (error as Error).name;
      this.log.warn({ webhook: new URL(url).origin, error: reason }, 'oid4vp webhook unreachable');
    }
  }
}

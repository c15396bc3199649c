import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { calculateJwkThumbprint, decodeJwtHeader, HashAlgorithm, Oauth2ServerErrorResponseError, preAuthorizedCodeGrantIdentifier, setGlobalConfig, type Jwk } from '@openid4vc/oauth2';
import type { IssuerMetadataResult } from '@openid4vc/openid4vci';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { LOGGER } from '../../common/logger.module.js';
import { ProblemException } from '../../common/problem.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import type { RegionConfig } from '../../config/config.js';
import { defaultVct, issuerId, parseCredential } from '../../domain/credentials/vcdm.js';
import { DomainError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { OAuthError, type OAuthErrorCode } from '../../domain/oid4vci/errors.js';
import { authorizationServerMetadata, credentialIssuerMetadata, endpoints, isConfiguration, type CredentialConfigurationId } from '../../domain/oid4vci/metadata.js';
import { NonceMinter } from '../../domain/oid4vci/nonce.js';
import { checkAccess, decideToken, type OfferState, type OfferView } from '../../domain/oid4vci/offer.js';
import { checkDistinctKeys, checkIssuedAt, checkProofHeader, DPOP_ALGORITHMS, PROOF_ALGORITHMS, proofsNonce } from '../../domain/oid4vci/proof.js';
import { IssuerRepository } from '../admin/issuer.repository.js';
import type { IssuerPrincipal } from '../auth/issuer.guard.js';
import { IssuanceService } from '../credentials/issuance.service.js';
import { NetworkService } from '../network/network.service.js';
import { RegistrarService } from '../registry/registrar.service.js';
import type { IssueRequestDto } from '../credentials/dto/credentials.dto.js';
import { authorizationServer, credentialIssuer } from './library-callbacks.js';
import { Oid4vciRepository, stamp } from './oid4vci.repository.js';
import type { OfferCredentialsDto, OfferRequestDto, OfferResponseDto } from './dto/oid4vci.dto.js';
import type { Oid4vciOfferEntity } from './oid4vci.entity.js';

/** Credentials one request may ask for (batch_credential_issuance.batch_size). */
export const BATCH_SIZE = 10;
/** Lifetime of a c_nonce and of a DPoP nonce, and the oldest proof accepted. */
export const NONCE_TTL_SECONDS = 300;
const SWEEP_INTERVAL_MS = 60_000;
/** Signature algorithms a region's issuer DIDs sign with. */
const SIGNING_ALGORITHMS = ['EdDSA', 'ES256', 'ES384'];

/** What our ids and codes look like: anything else is unknown without asking the database. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CODE = /^[A-Za-z0-9_-]{43}$/;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const random = (): string => randomBytes(32).toString('base64url');

/** What the HTTP layer hands over of a wallet's request. */
export interface WalletRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

export interface WalletAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

const NO_STORE = { 'cache-control': 'no-store' };

/** An offer's stored request: the /credentials/issue body, and the shape of its transaction code. */
type StoredRequest = IssueRequestDto & { txCode?: { input_mode: 'numeric' | 'text'; length: number } };

/**
 * OpenID4VCI 1.0 issuance with the pre-authorized code flow (docs/wallets.md): offers, the
 * token endpoint (DPoP-bound tokens), the nonce endpoint and the credential endpoint, which
 * hands the offer's request to the issuance service with the wallet's proven key as holder.
 */
@Injectable()
export class Oid4vciService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  /** c_nonces and DPoP nonces: minted and checked without a row (an unauthenticated caller writes nothing). */
  private readonly nonces: NonceMinter;

  constructor(
    private readonly repository: Oid4vciRepository,
    private readonly issuers: IssuerRepository,
    private readonly issuance: IssuanceService,
    private readonly network: NetworkService,
    private readonly registrar: RegistrarService,
    @Inject(REGION_CONFIG) private readonly config: RegionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // The library checks that URLs are https; a region served over plain HTTP (local runs, tests) names itself with http.
    if (this.network.self.url.startsWith('http://')) setGlobalConfig({ allowInsecureUrls: true });
    this.nonces = new NonceMinter(config.keyEncryptionSecret);
  }

  onApplicationBootstrap(): void {
    const tick = () => void this.sweep().catch((error: unknown) => this.logger.warn({ err: error }, 'OpenID4VCI sweep failed'));
    this.timer = setInterval(tick, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes expired offers (their claim values with them) and nonces; also what tests call. */
  async sweep(now = Date.now()): Promise<{ offers: number; nonces: number }> {
    const result = await this.repository.sweep(now);
    if (result.offers > 0) this.logger.info(result, 'expired OpenID4VCI offers deleted');
    return result;
  }

  private get regionUrl(): string {
    return this.network.self.url;
  }

  private offerUri(id: string): string {
    return `${this.regionUrl}/oid4vci/offers/${id}`;
  }

  // ---- tenant side ------------------------------------------------------------------------------

  async createOffer(issuer: IssuerPrincipal, body: OfferRequestDto): Promise<OfferResponseDto> {
    const { txCode, offerTtlSeconds, ...options } = body.options ?? {};
    const requested = options.format ?? 'vc+jwt';
    if (requested === 'ldp_vc') {
      throw new InvalidInputError('OpenID4VCI offers here carry dc+sd-jwt, vc+sd-jwt, jwt_vc_json or vc+jwt: a Data Integrity credential (ldp_vc) is issued with POST /credentials/issue', { errors: [{ pointer: '/options/format', detail: 'not offered over OpenID4VCI' }] });
    }
    const format: CredentialConfigurationId = requested;
    if (options.holder !== undefined) {
      throw new InvalidInputError('options.holder is the wallet’s to prove: the credential is bound to the key of the wallet’s proof', { errors: [{ pointer: '/options/holder', detail: 'not in an offer' }] });
    }
    // A malformed credential, or an issuer DID that is not the tenant's or cannot sign, is refused now, not when the wallet comes.
    await this.registrar.assertionKey(issuer, issuerId(parseCredential(body.credential, format)));
    const ttl = Math.min(offerTtlSeconds ?? this.config.offerTtlSeconds, this.config.offerTtlSeconds);
    const id = randomUUID();
    const code = random();
    const expiresAt = Date.now() + ttl * 1000;
    const request: StoredRequest = {
      credential: body.credential,
      options: { ...options, format },
      // What the wallet may know of the code (OpenID4VCI §4.1.1); the code itself is kept as a hash only.
      ...(txCode === undefined ? {} : { txCode: { input_mode: /^[0-9]+$/.test(txCode) ? 'numeric' : 'text', length: txCode.length } }),
    };
    await this.repository.insertOffer({
      id,
      tenantId: issuer.id,
      code,
      txCodeHash: txCode === undefined ? null : sha256(txCode),
      txCodeAttempts: 0,
      configurationId: format,
      request: JSON.stringify(request),
      state: 'offered',
      accessTokenHash: null,
      dpopJkt: null,
      expiresAt: stamp(expiresAt),
    });
    const credentialOfferUri = this.offerUri(id);
    return {
      id,
      credentialOffer: offerLink(credentialOfferUri),
      credentialOfferUri,
      qrCode: { png: `${credentialOfferUri}/qr.png`, svg: `${credentialOfferUri}/qr.svg` },
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  /**
   * The ids of the credentials issued through one of the tenant's offers, for status changes.
   * Offers are deleted when redeemed, so this reads the credential records (never claim values);
   * a live offer has none yet. 404 for an unknown offer, another tenant's, and one that expired
   * unredeemed or whose records retention removed.
   */
  async offerCredentials(issuer: IssuerPrincipal, id: string): Promise<OfferCredentialsDto> {
    if (!UUID.test(id)) throw new NotFoundError('no such credential offer');
    const credentialIds = await this.issuance.issuedThrough(id, issuer.id);
    if (credentialIds.length === 0) {
      const offer = await this.repository.findOffer(id);
      if (!offer || offer.tenantId !== issuer.id) throw new NotFoundError('no such credential offer');
    }
    return { offerId: id, credentialIds };
  }

  /** A live offer in state offered; 404 otherwise (expired, exchanged, unknown: no hint which). */
  private async liveOffer(id: string): Promise<Oid4vciOfferEntity> {
    // Only ids we could have made reach the database (PostgreSQL refuses a NUL byte in text with an error).
    const offer = UUID.test(id) ? await this.repository.findOffer(id) : null;
    if (!offer || offer.state !== 'offered' || Number(offer.expiresAt) <= Date.now()) throw new NotFoundError('no such credential offer (it may have expired or been used)');
    return offer;
  }

  /** The credential offer object behind credentialOfferUri (OpenID4VCI §4.1.1). */
  async offerObject(id: string): Promise<Record<string, unknown>> {
    const offer = await this.liveOffer(id);
    const { txCode } = JSON.parse(offer.request) as StoredRequest;
    return {
      credential_issuer: endpoints(this.regionUrl, offer.tenantId).issuer,
      credential_configuration_ids: [offer.configurationId],
      grants: {
        [preAuthorizedCodeGrantIdentifier]: {
          'pre-authorized_code': offer.code,
          ...(txCode ? { tx_code: { ...txCode, description: 'The transaction code the issuer gave you' } } : {}),
        },
      },
    };
  }

  /** The offer URI as a QR code a person scans with a wallet. */
  async qrCode(id: string, kind: 'png' | 'svg'): Promise<Buffer | string> {
    await this.liveOffer(id);
    const text = offerLink(this.offerUri(id));
    return kind === 'png' ? QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 }) : QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }

  // ---- metadata ---------------------------------------------------------------------------------

  private async tenant(tenantId: string): Promise<{ id: string; name: string }> {
    const tenant = UUID.test(tenantId) ? await this.issuers.findById(tenantId) : null;
    if (!tenant) throw new NotFoundError('no credential issuer by that name here');
    return { id: tenant.id, name: tenant.name };
  }

  private metadataOf(tenant: { id: string; name: string }): Record<string, unknown> {
    return credentialIssuerMetadata({
      regionUrl: this.regionUrl,
      tenantId: tenant.id,
      tenantName: tenant.name,
      vct: defaultVct(this.regionUrl, ['VerifiableCredential']),
      batchSize: BATCH_SIZE,
      proofAlgorithms: PROOF_ALGORITHMS,
      signingAlgorithms: SIGNING_ALGORITHMS,
    });
  }

  async issuerMetadata(tenantId: string): Promise<Record<string, unknown>> {
    return this.metadataOf(await this.tenant(tenantId));
  }

  async authorizationServerMetadata(tenantId: string): Promise<Record<string, unknown>> {
    const tenant = await this.tenant(tenantId);
    return authorizationServerMetadata(this.regionUrl, tenant.id, DPOP_ALGORITHMS);
  }

  // ---- wallet side -------------------------------------------------------------------------------

  /** The nonce endpoint (OpenID4VCI §7): a fresh c_nonce, single use (spent by the credential request), nothing stored until then. */
  async nonce(tenantId: string): Promise<WalletAnswer> {
    await this.tenant(tenantId);
    const nonce = this.nonces.mint('c_nonce', Date.now() + NONCE_TTL_SECONDS * 1000);
    return { status: 200, headers: NO_STORE, body: { c_nonce: nonce, c_nonce_expires_in: NONCE_TTL_SECONDS } };
  }

  /** A fresh DPoP nonce (RFC 9449 §8), valid for NONCE_TTL_SECONDS, nothing stored. */
  private dpopNonce(): string {
    return this.nonces.mint('dpop_nonce', Date.now() + NONCE_TTL_SECONDS * 1000);
  }

  /**
   * A request's DPoP proof (RFC 9449 §4.3): signed with ES256 by the key in its header, for this
   * method and URL (and access token), recent, and with a nonce of ours. Whether its `jti` is new
   * is `spendDpop`'s to say, called once the request has shown a code or token of ours, so that
   * proofs anyone can make cause no write.
   */
  private async checkDpop(request: WalletRequest, tenantId: string, resource: boolean, accessToken?: string): Promise<{ jkt: string; nonce: string; jti: unknown; status: number }> {
    const status = resource ? 401 : 400;
    const header = request.headers.dpop;
    if (typeof header !== 'string' || header.length === 0) throw new OAuthError('invalid_dpop_proof', 'the request needs a DPoP proof (DPoP header)', { status });
    const url = `${endpoints(this.regionUrl, tenantId).issuer}${resource ? '/credential' : '/token'}`;
    let verified: Awaited<ReturnType<typeof authorizationServer.verifyDpopJwt>>;
    try {
      verified = await authorizationServer.verifyDpopJwt({
        dpopJwt: header,
        request: { method: 'POST', url, headers: new Headers() },
        allowedSigningAlgs: [...DPOP_ALGORITHMS],
        ...(accessToken ? { accessToken } : {}),
      });
    } catch (error) {
      throw new OAuthError('invalid_dpop_proof', libraryDescription(error, 'the DPoP proof is not valid'), { status });
    }
    const now = Date.now();
    checkIssuedAt(verified.payload.iat, now, NONCE_TTL_SECONDS, 'invalid_dpop_proof');
    const nonce = verified.payload.nonce;
    if (typeof nonce !== 'string' || this.nonces.check('dpop_nonce', nonce, now) === undefined) {
      throw new OAuthError('use_dpop_nonce', 'the DPoP proof must carry the nonce of the DPoP-Nonce header', { status, dpopNonce: this.dpopNonce() });
    }
    return { jkt: verified.jwkThumbprint, nonce, jti: verified.payload.jti, status };
  }

  /** A DPoP proof's `jti` is recorded; a second use of it is refused (kept while its nonce and `iat` could still pass). */
  private async spendDpop(dpop: { jkt: string; jti: unknown; status: number }, now: number): Promise<void> {
    const fresh = await this.repository.addNonce(sha256(`${dpop.jkt}:${String(dpop.jti)}`), 'dpop_jti', now + 2 * (NONCE_TTL_SECONDS + 60) * 1000);
    if (!fresh) throw new OAuthError('invalid_dpop_proof', 'the DPoP proof was already used (jti)', { status: dpop.status });
  }

  /** The token endpoint (RFC 6749 §4, OpenID4VCI §6): pre-authorized code (+ tx_code) for a DPoP-bound access token. */
  async token(tenantId: string, request: WalletRequest): Promise<WalletAnswer> {
    await this.tenant(tenantId);
    let grant: { grantType: string; preAuthorizedCode?: string; txCode?: string };
    try {
      grant = authorizationServer.parseAccessTokenRequest({ request: { method: 'POST', url: endpoints(this.regionUrl, tenantId).token, headers: new Headers() }, accessTokenRequest: (request.body ?? {}) as Record<string, unknown> }).grant;
    } catch (error) {
      throw fromLibrary(error, 'invalid_request');
    }
    if (grant.grantType !== preAuthorizedCodeGrantIdentifier || !grant.preAuthorizedCode) throw new OAuthError('unsupported_grant_type', `only ${preAuthorizedCodeGrantIdentifier} is offered here`);
    const dpop = await this.checkDpop(request, tenantId, false);
    const found = CODE.test(grant.preAuthorizedCode) ? await this.repository.findByCode(grant.preAuthorizedCode) : null;
    const offer = found && found.tenantId === tenantId ? found : null;
    const now = Date.now();
    if (offer) await this.spendDpop(dpop, now);
    const decision = decideToken(offer && view(offer), { txCodeHash: grant.txCode === undefined ? null : sha256(grant.txCode) }, now);
    if (!decision.grant) {
      if (offer && decision.burn) await this.repository.deleteOffer(offer.id);
      else if (offer && decision.countAttempt) await this.repository.countTxCodeAttempt(offer.id, offer.txCodeAttempts + 1);
      throw decision.error;
    }
    const accessToken = random();
    const expiresIn = this.config.offerTtlSeconds;
    if (!(await this.repository.grantToken(offer!.id, sha256(accessToken), dpop.jkt, now + expiresIn * 1000))) throw new OAuthError('invalid_grant', 'the pre-authorized code was already used');
    return { status: 200, headers: { ...NO_STORE, 'dpop-nonce': dpop.nonce }, body: { access_token: accessToken, token_type: 'DPoP', expires_in: expiresIn } };
  }

  /**
   * The credential endpoint (OpenID4VCI §8): a DPoP-bound access token, one key proof per
   * credential asked for (batch), each with the c_nonce and this issuer as audience. The offer's
   * request goes to the issuance service once per proven key, as options.holder; the offer is gone after.
   */
  async credential(tenantId: string, request: WalletRequest): Promise<WalletAnswer> {
    const tenant = await this.tenant(tenantId);
    const metadata = this.metadataOf(tenant);
    const authorization = typeof request.headers.authorization === 'string' ? request.headers.authorization : '';
    const [scheme, accessToken] = authorization.split(' ', 2);
    if (!accessToken || scheme !== 'DPoP') throw new OAuthError('invalid_token', 'send the access token as Authorization: DPoP <token>, with a DPoP proof');
    const offer = await this.repository.findByAccessToken(sha256(accessToken));
    if (!offer || offer.tenantId !== tenantId) throw new OAuthError('invalid_token', 'the access token is unknown, used or expired');
    const dpop = await this.checkDpop(request, tenantId, true, accessToken);
    const now = Date.now();
    checkAccess(view(offer), dpop.jkt, now);
    await this.spendDpop(dpop, now);

    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OAuthError('invalid_credential_request', 'the credential request is a JSON object');
    const configurationId = (body as Record<string, unknown>).credential_configuration_id;
    if (configurationId === undefined) throw new OAuthError('invalid_credential_request', 'credential_configuration_id is required');
    if (!isConfiguration(configurationId) || configurationId !== offer.configurationId) throw new OAuthError('unknown_credential_configuration', `this access token is for credential configuration ${offer.configurationId}`);
    const issuerMetadata = { credentialIssuer: metadata, authorizationServers: [], knownCredentialConfigurations: credentialIssuer.getKnownCredentialConfigurationsSupported(metadata as never), originalDraftVersion: 'V1' } as unknown as IssuerMetadataResult;
    let proofs: string[] | undefined;
    try {
      proofs = credentialIssuer.parseCredentialRequest({ issuerMetadata, credentialRequest: body as Record<string, unknown> }).proofs?.jwt;
    } catch (error) {
      throw fromLibrary(error, 'invalid_credential_request');
    }
    if (!proofs || proofs.length === 0) throw new OAuthError('invalid_proof', 'proofs.jwt must hold a proof of possession of each key to bind');
    if (proofs.length > BATCH_SIZE) throw new OAuthError('invalid_credential_request', `at most ${BATCH_SIZE} proofs (batch_size)`);
    const { txCode: _txCode, ...request0 } = JSON.parse(offer.request) as StoredRequest;
    if (proofs.length > 1 && typeof (request0.credential as { id?: unknown }).id === 'string') throw new OAuthError('invalid_credential_request', 'the offered credential has a fixed id: ask for one credential');

    const keys: { jwk: Jwk; jkt: string }[] = [];
    const payloads: { nonce?: unknown }[] = [];
    for (const jwt of proofs) {
      let header: Record<string, unknown>;
      try {
        header = decodeJwtHeader({ jwt }).header;
      } catch (error) {
        throw new OAuthError('invalid_proof', libraryDescription(error, 'the proof is not a JWT'));
      }
      checkProofHeader(header);
      let verified: Awaited<ReturnType<typeof credentialIssuer.verifyCredentialRequestJwtProof>>;
      try {
        verified = await credentialIssuer.verifyCredentialRequestJwtProof({ issuerMetadata, jwt, now: new Date(now) });
      } catch (error) {
        throw new OAuthError('invalid_proof', libraryDescription(error, 'the proof is not valid'));
      }
      checkIssuedAt(verified.payload.iat, now, NONCE_TTL_SECONDS, 'invalid_proof');
      const jwk = verified.signer.publicJwk;
      keys.push({ jwk, jkt: await calculateJwkThumbprint({ jwk, hashAlgorithm: HashAlgorithm.Sha256, hashCallback: (data, alg) => createHash(alg.replace('-', '')).update(data).digest() }) });
      payloads.push(verified.payload);
    }
    checkDistinctKeys(keys.map((k) => k.jkt));
    const nonce = proofsNonce(payloads);
    const nonceExpiresAt = this.nonces.check('c_nonce', nonce, now);
    // Spent by this request, authenticated by its access token: the one write a c_nonce ever causes.
    if (nonceExpiresAt === undefined || !(await this.repository.addNonce(sha256(nonce), 'c_nonce', nonceExpiresAt))) throw new OAuthError('invalid_nonce', 'the c_nonce is unknown, used or expired: get a new one from the nonce endpoint');
    if (!(await this.repository.deleteOffer(offer.id, offer.accessTokenHash!))) throw new OAuthError('invalid_token', 'the access token was already used');

    const credentials: { credential: string }[] = [];
    for (const { jwk } of keys) {
      try {
        const issued = await this.issuance.issue(tenant, { ...request0, options: { ...request0.options, holder: jwk as Record<string, unknown> } }, offer.id);
        const id = String(issued.verifiableCredential.id);
        credentials.push({ credential: id.slice(id.indexOf(',') + 1) });
      } catch (error) {
        if (error instanceof DomainError || error instanceof ProblemException) throw new OAuthError('credential_request_denied', `the issuer's region refused the credential: ${error.message}`);
        throw error;
      }
    }
    return { status: 200, headers: NO_STORE, body: { credentials } };
  }
}

/** The offer by reference (OpenID4VCI §4.1): what the QR code holds. */
const offerLink = (credentialOfferUri: string): string => `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(credentialOfferUri)}`;

const view = (offer: Oid4vciOfferEntity): OfferView => ({
  state: offer.state as OfferState,
  expiresAt: Number(offer.expiresAt),
  txCodeHash: offer.txCodeHash,
  txCodeAttempts: offer.txCodeAttempts,
  dpopJkt: offer.dpopJkt,
});

/** The first line of a library error (its message may append the JSON of the error response). */
function libraryDescription(error: unknown, fallback: string): string {
  if (error instanceof Oauth2ServerErrorResponseError && error.errorResponse.error_description) return error.errorResponse.error_description.split('\n')[0]!;
  if (error instanceof Error && error.message) return error.message.split('\n')[0]!;
  return fallback;
}

const KNOWN: readonly OAuthErrorCode[] = ['invalid_request', 'invalid_grant', 'unsupported_grant_type', 'invalid_dpop_proof', 'invalid_credential_request', 'invalid_proof'];

/** A library refusal as our OAuthError: its code when it is one we answer, else `fallback`. */
function fromLibrary(error: unknown, fallback: OAuthErrorCode): OAuthError {
  const code = error instanceof Oauth2ServerErrorResponseError ? (error.errorResponse.error as OAuthErrorCode) : fallback;
  return new OAuthError(KNOWN.includes(code) ? code : fallback, libraryDescription(error, 'the request is not valid'));
}


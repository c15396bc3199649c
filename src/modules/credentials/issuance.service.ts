import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ProblemException, problemType } from '../../common/problem.js';
import { issuedTokenHashes } from '../../domain/credentials/anchor.js';
import { envelope, type CredentialFormat } from '../../domain/credentials/envelope.js';
import { signCompactJws, type JoseAlgorithm } from '../../domain/keys/ecdsa.js';
import { defaultVct, issuerId, parseCredential, typesOf, VCDM1_CONTEXT, type Credential } from '../../domain/credentials/vcdm.js';
import { disclosureFrame } from '../../domain/credentials/sd-jwt.js';
import { issueSdJwt } from '../../domain/credentials/sd-jwt-issue.js';
import { checkIssuerStatus, combineCredentialStatus } from '../../domain/credentials/issuer-status.js';
import { parseMultikey, validatePublicJwk, type PublicJwk } from '../../domain/did/index.js';
import { ConflictError, InvalidInputError } from '../../domain/errors.js';
import { NetworkService } from '../network/network.service.js';
import { ResolverService } from '../registry/resolver.service.js';
import type { IssuerPrincipal } from '../auth/issuer.guard.js';
import { RegistrarService } from '../registry/registrar.service.js';
import { CredentialRecordRepository } from './credential-record.repository.js';
import { alwaysVisibleProtectedClaims } from '../../domain/policy/policy.js';
import { PolicyService } from '../policy/policy.service.js';
import { StatusLists, TOKEN_LIST_PURPOSE } from '../status/status-lists.js';
import type { RecordedSlot } from './credential-status.service.js';
import { IssuanceAnchors } from './issuance-anchors.js';
import { SchemaRegistry } from './schema-registry.js';
import { DataIntegrityIssuer } from './data-integrity-issuer.js';
import type { IssueRequestDto, IssueResponseDto } from './dto/credentials.dto.js';

const IMPLEMENTED = ['vc+jwt', 'jwt_vc_json', 'vc+sd-jwt', 'dc+sd-jwt', 'ldp_vc'];
/** ldp_vc signs with a Data Integrity signer: no JOSE key is read. */
const NO_JOSE_KEY = { kid: '', alg: 'EdDSA' as JoseAlgorithm, key: undefined as unknown as KeyObject };

/** Secures VCDM 2.0 credentials with keys the issuer's DIDs hold in this region. */
@Injectable()
export class IssuanceService {
  constructor(
    private readonly registrar: RegistrarService,
    private readonly records: CredentialRecordRepository,
    private readonly resolver: ResolverService,
    private readonly network: NetworkService,
    private readonly schemas: SchemaRegistry,
    private readonly lists: StatusLists,
    private readonly policies: PolicyService,
    private readonly anchors: IssuanceAnchors,
    private readonly dataIntegrity: DataIntegrityIssuer,
  ) {}

  /** Fresh status list positions for the purposes asked for: one per purpose, or one token slot. */
  private async allocateStatus(issuer: IssuerPrincipal, did: string, format: string, purposes: readonly ('revocation' | 'suspension')[]): Promise<RecordedSlot[]> {
    if (purposes.length === 0) return [];
    if (format === 'dc+sd-jwt') return [{ ...(await this.lists.allocate(issuer.id, did, 'token', TOKEN_LIST_PURPOSE)), purposes: [...purposes] }];
    return Promise.all(purposes.map((purpose) => this.lists.allocate(issuer.id, did, 'bitstring', purpose)));
  }

  /** The holder's public JWK: given directly, or the first authentication key of a DID resolved locally. */
  private async holderKey(holder: string | Record<string, unknown>): Promise<PublicJwk> {
    const bad = (why: string) => new InvalidInputError(`options.holder ${why}`, { errors: [{ pointer: '/options/holder', detail: why }] });
    if (typeof holder === 'object') {
      try {
        return validatePublicJwk(holder).jwk;
      } catch (error) {
        throw bad((error as Error).message);
      }
    }
    const resolved = await this.resolver.resolve(holder);
    const doc = resolved.didDocument as { verificationMethod?: { id: string; publicKeyJwk?: unknown; publicKeyMultibase?: string }[]; authentication?: (string | { id: string })[] } | null;
    if (!doc) throw bad(`${holder} does not resolve here`);
    const ref = doc.authentication?.[0];
    const id = typeof ref === 'string' ? ref : ref?.id;
    const method = doc.verificationMethod?.find((m) => m.id === id || `${holder}${m.id}` === id);
    try {
      if (method?.publicKeyJwk) return validatePublicJwk(method.publicKeyJwk).jwk;
      if (method?.publicKeyMultibase) return parseMultikey(method.publicKeyMultibase).jwk;
    } catch (error) {
      throw bad((error as Error).message);
    }
    throw bad(`${holder} has no authentication key`);
  }

  /** Ids of the credentials the tenant issued through an OpenID4VCI offer (docs/wallets.md), oldest first. */
  issuedThrough(offerId: string, tenantId: string): Promise<string[]> {
    return this.records.idsByOffer(offerId, tenantId);
  }

  /** `offerId`: the OpenID4VCI offer it is issued through, remembered in its record. */
  async issue(issuer: IssuerPrincipal, request: IssueRequestDto, offerId: string | null = null): Promise<IssueResponseDto> {
    const format = request.options?.format ?? 'vc+jwt';
    if (!IMPLEMENTED.includes(format)) {
      throw new InvalidInputError(`options.format ${format} is not offered yet; use ${IMPLEMENTED.join(' or ')}`, { errors: [{ pointer: '/options/format', detail: 'not offered yet' }] });
    }
    const credential = parseCredential(request.credential, format);
    // A schema this region does not hold is signed unchecked (the issuer vouches); verifiers report it skipped (docs/credentials.md).
    const { problems } = this.schemas.check(request.credential); // as the issuer wrote it (VCDM 1.1 input keeps issuanceDate)
    if (problems.length > 0) throw new UnprocessableError(`the credential does not match its credentialSchema: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, problems);
    const did = issuerId(credential);
    if ((format === 'jwt_vc_json' || format === 'dc+sd-jwt') && Array.isArray(credential.credentialSubject) && credential.credentialSubject.length > 1) {
      throw new InvalidInputError(`a ${format} credential has one subject (its sub claim)`, { errors: [{ pointer: '/credential/credentialSubject', detail: 'one subject only' }] });
    }
    const plan = format === 'ldp_vc' ? this.dataIntegrity.plan(credential, request.options) : undefined;
    // ldp_vc signs with an assertion key of its cryptosuite's type (a DI signer); the others with the first one.
    const diSigner = plan && (await this.dataIntegrity.signer(issuer, did, plan));
    const { kid, alg, key } = diSigner ? NO_JOSE_KEY : await this.registrar.assertionKey(issuer, did);
    const id = credential.id ?? `urn:uuid:${randomUUID()}`;
    // A random UUID we just made is new (122 random bits): only an id the issuer chose is looked up.
    if (credential.id !== undefined && (await this.records.exists(id))) throw new ConflictError(`a credential with id ${id} was already issued here; ids are unique`);
    // iat (a NumericDate with milliseconds) records when it was signed, so verifiers resolve
    // the issuer's keys as they were then.
    const iat = Date.now() / 1000;
    const pointers = request.options?.selectivelyDisclosable ?? [];
    if (pointers.length > 0 && !format.includes('sd-jwt')) {
      throw new InvalidInputError(`options.selectivelyDisclosable needs an SD-JWT format; ${format} discloses everything`, { errors: [{ pointer: '/options/selectivelyDisclosable', detail: 'needs vc+sd-jwt or dc+sd-jwt' }] });
    }
    const types = typesOf(credential);
    const discloses = plan ? plan.selective : format.includes('sd-jwt');
    const exposed = alwaysVisibleProtectedClaims(this.policies.policy, types, credential.credentialSubject, plan ? plan.withholdable : pointers, discloses);
    if (exposed.length > 0) {
      const how = plan?.selective ? ': leave them out of options.mandatoryPointers' : format.includes('sd-jwt') ? ': name them in options.selectivelyDisclosable' : `, which ${plan ? plan.suite : format} cannot do: use vc+sd-jwt, dc+sd-jwt, or ldp_vc with ecdsa-sd-2023 or bbs-2023`;
      throw new UnprocessableError(
        `region ${this.policies.region}'s policy requires ${exposed.join(', ')} to be selectively disclosable in this credential type${how} (GET /policy)`,
        exposed.map((pointer) => ({ pointer: `/credential${pointer}`, detail: 'must be selectively disclosable in this region' })),
      );
    }
    const cnf = request.options?.holder === undefined ? undefined : { jwk: await this.holderKey(request.options.holder) };
    if (credential.credentialStatus !== undefined && format === 'dc+sd-jwt') {
      throw new InvalidInputError('a dc+sd-jwt carries its status in the status claim: ask for it with options.status', { errors: [{ pointer: '/credential/credentialStatus', detail: 'not in dc+sd-jwt: use options.status' }] });
    }
    // Refused before any list position is allocated.
    checkIssuerStatus(credential.credentialStatus, format === 'dc+sd-jwt' ? 0 : (request.options?.status ?? []).length);
    const slots = await this.allocateStatus(issuer, did, format, request.options?.status ?? []);
    const ours =
      format === 'dc+sd-jwt'
        ? []
        : slots.map((slot) => ({
            id: `${slot.url}#${slot.index}`,
            type: 'BitstringStatusListEntry',
            statusPurpose: slot.purpose,
            statusListIndex: String(slot.index),
            statusListCredential: slot.url,
          }));
    // The issuer's own entries are kept and signed; ours follow them (docs/status.md).
    const combined = combineCredentialStatus(credential.credentialStatus, ours);
    const credentialStatus = combined === undefined ? {} : { credentialStatus: combined };
    let token: string;
    let secured: Record<string, unknown> | undefined;
    let digest: string | undefined;
    if (plan) {
      // W3C Data Integrity: the credential with an embedded proof (docs/data-integrity.md).
      ({ credential: secured, digest } = await this.dataIntegrity.sign(diSigner!, { ...credential, ...credentialStatus, id }, plan));
      token = JSON.stringify(secured);
    } else if (format === 'vc+jwt' || format === 'jwt_vc_json') {
      const [payload, header] =
        format === 'vc+jwt'
          ? [{ ...credential, ...credentialStatus, id, iat, ...(cnf ? { cnf } : {}) }, { alg, typ: 'vc+jwt', cty: 'vc', kid }] // W3C VC-JOSE-COSE: the payload is the credential
          : [{ ...legacyJwtClaims({ ...credential, ...credentialStatus, id }, did, iat), ...(cnf ? { cnf } : {}) }, { alg, typ: 'JWT', kid }]; // cnf: RFC 7800 key binding (OpenID4VCI)
      token = signCompactJws(header, JSON.stringify(payload), key);
    } else if (format === 'vc+sd-jwt') {
      // W3C VC-JOSE-COSE with SD-JWT: the credential is the payload, pointed claims become disclosures.
      const payload = { ...credential, ...credentialStatus, id, iat, ...(cnf ? { cnf } : {}) };
      token = issueSdJwt(payload, disclosureFrame(payload, pointers), { header: { typ: 'vc+sd-jwt', cty: 'vc', kid }, alg, key });
    } else {
      // IETF SD-JWT VC: the subject's claims at the top level, /credentialSubject/x pointers lift to x.
      const status = slots[0] ? { status_list: { idx: slots[0].index, uri: slots[0].url } } : undefined;
      const payload = sdJwtVcClaims({ ...credential, id }, did, Math.floor(iat), request.options?.vct ?? defaultVct(this.network.self.url, types), cnf, status);
      const frame = disclosureFrame(payload, pointers, (segments) => (segments[0] === 'credentialSubject' ? segments.slice(1) : segments));
      token = issueSdJwt(payload, frame, { header: { typ: 'dc+sd-jwt', kid }, alg, key });
    }
    // status-only retention keeps nothing of a credential without status, and of others only what status changes need.
    const statusOnly = this.policies.policy.retention.keep === 'status-only';
    const hashes = digest === undefined ? issuedTokenHashes(token, alg) : { digest, tokenHash: statusOnly ? '' : createHash('sha256').update(token).digest('hex') };
    const record =
      statusOnly && slots.length === 0
        ? undefined
        : { id, tenantId: issuer.id, issuerDid: did, types: statusOnly ? '[]' : JSON.stringify(types), format, tokenHash: statusOnly ? '' : hashes.tokenHash, statusEntries: JSON.stringify(slots), createdAt: new Date().toISOString(), offerId };
    // The anchor lets the credential outlive a rotation of its key; the answer waits until it is stored, with the record.
    await this.anchors.anchor(hashes.digest, record);
    return { verifiableCredential: secured ?? envelope(format as CredentialFormat, token), credentialId: id };
  }
}

/**
 * The VCDM 1.1 JWT encoding, as did-jwt-vc and Veramo produce it: the credential in `vc`
 * (VCDM 1.1 context first), issuer, subject, id and dates as JWT claims.
 */
function legacyJwtClaims(credential: Credential & { id: string }, issuer: string, iat: number): Record<string, unknown> {
  const { id, issuer: _issuer, validFrom, validUntil, credentialSubject, ...rest } = credential;
  const subject = (Array.isArray(credentialSubject) ? credentialSubject[0] : credentialSubject) as Record<string, unknown>;
  const { id: subjectId, ...claims } = subject;
  const contexts = credential['@context'].slice(1);
  return {
    vc: { ...rest, '@context': [VCDM1_CONTEXT, ...contexts], credentialSubject: claims },
    iss: issuer,
    ...(typeof subjectId === 'string' ? { sub: subjectId } : {}),
    jti: id,
    nbf: Math.floor((validFrom ? Date.parse(validFrom) : iat * 1000) / 1000),
    ...(validUntil ? { exp: Math.floor(Date.parse(validUntil) / 1000) } : {}),
    iat,
  };
}

/** IETF SD-JWT VC claims (docs/credentials.md): subject claims at the top level, its id as sub. */
function sdJwtVcClaims(
  credential: Credential & { id: string },
  issuer: string,
  iat: number,
  vct: string,
  cnf: { jwk: PublicJwk } | undefined,
  status: { status_list: { idx: number; uri: string } } | undefined,
): Record<string, unknown> {
  const subject = (Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject) as Record<string, unknown>;
  for (const reserved of ['iss', 'vct', 'iat', 'nbf', 'exp', 'cnf', 'status', 'sub', 'jti']) {
    if (reserved in subject) throw new InvalidInputError(`credentialSubject.${reserved} collides with an SD-JWT VC claim`, { errors: [{ pointer: `/credential/credentialSubject/${reserved}`, detail: 'reserved in dc+sd-jwt' }] });
  }
  // Built member by member, in the order a rest and spreads would give (subject claims but id,
  // then iss, vct, jti, iat, sub, nbf, exp, cnf, status): a tenth of their cost, per issuance.
  const claims: Record<string, unknown> = {};
  for (const key of Object.keys(subject)) {
    if (key === '__proto__') Object.defineProperty(claims, key, { value: subject[key], enumerable: true, writable: true, configurable: true });
    else if (key !== 'id') claims[key] = subject[key];
  }
  claims.iss = issuer;
  claims.vct = vct;
  claims.jti = credential.id;
  claims.iat = iat;
  if (typeof subject.id === 'string') claims.sub = subject.id;
  if (credential.validFrom) claims.nbf = Math.floor(Date.parse(credential.validFrom) / 1000);
  if (credential.validUntil) claims.exp = Math.floor(Date.parse(credential.validUntil) / 1000);
  if (cnf) claims.cnf = cnf;
  if (status) claims.status = status;
  return claims;
}

/** 422: well-formed, but not what the region can issue (schema mismatch, unknown schema). */
class UnprocessableError extends ProblemException {
  constructor(detail: string, errors: { pointer: string; detail: string }[]) {
    super({ type: problemType('unprocessable-credential'), title: 'Unprocessable credential', status: 422, detail, errors });
  }
}

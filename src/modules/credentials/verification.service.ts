import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { unwrap } from '../../domain/credentials/envelope.js';
import { presentationFreshness } from '../../domain/credentials/presentation.js';
import { discloseSdJwt, verifyKeyBinding } from '../../domain/credentials/sd-jwt.js';
import { isoOfNumericDate, readTimeClaims, timeClaimsProblem, type TimeClaims } from '../../domain/credentials/time-claims.js';
import { issuerId, typesOf, typesOfVct, VCDM1_CONTEXT, VCDM2_CONTEXT } from '../../domain/credentials/vcdm.js';
import { dataModelVerdict } from '../../domain/credentials/vcdm-rules.js';
import { decodeJws, DidJwsVerifier, JWS_ALGORITHMS, jwkOf, methodsOf, verifies, type DidDocumentView } from '../registry/did-jws.js';
import { credentialDigest } from '../../domain/credentials/anchor.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { ResolverService } from '../registry/resolver.service.js';
import { StatusVerifier } from '../status/status-verifier.js';
import { PolicyService } from '../policy/policy.service.js';
import { TrustService } from '../trust/trust.service.js';
import { applyForeignDisclosure } from '../../domain/policy/policy.js';
import { SchemaRegistry } from './schema-registry.js';
import { presentationFormatOf } from '../../domain/credentials/jose-presentation.js';
import { PresentationVerifier, verifyPresented } from './presentation-verifier.js';
import { isDataIntegritySecured } from '../../domain/credentials/data-integrity.js';
import { DataIntegrityVerifier } from './data-integrity-verifier.js';
import type { VerificationCheckDto, VerificationResultDto } from './dto/credentials.dto.js';

/** The allow-list check every JWS format starts with; the algorithm, or undefined when refused. */
function checkAlgorithm(report: Report, value: unknown): string | undefined {
  const alg = String(value);
  if (!JWS_ALGORITHMS[alg]) {
    report.fail('algorithm', `alg ${alg} is not allowed; allowed: ${Object.keys(JWS_ALGORITHMS).join(', ')}`);
    return undefined;
  }
  report.pass('algorithm', alg);
  return alg;
}

/** Reports every check; a failed one ends verification only when later checks depend on it. */
class Report {
  readonly checks: VerificationCheckDto[] = [];
  readonly warnings: VerificationCheckDto[] = [];
  pass(check: string, detail?: string): void {
    this.checks.push({ check, result: 'passed', ...(detail ? { detail } : {}) });
  }
  fail(check: string, detail: string): void {
    this.checks.push({ check, result: 'failed', detail });
  }
  skip(check: string, detail: string): void {
    this.checks.push({ check, result: 'skipped', detail });
  }
  record(check: VerificationCheckDto): void {
    this.checks.push(check);
  }
  warn(check: string, detail: string): void {
    this.warnings.push({ check, result: 'passed', detail });
  }
  result(credential: Record<string, unknown> | null): VerificationResultDto {
    const errors = this.checks.filter((c) => c.result === 'failed');
    return { verified: errors.length === 0 && credential !== null, checks: this.checks, warnings: this.warnings, errors, credential: errors.length === 0 ? credential : null };
  }
}

/** How a JWT-secured format maps to a credential, and which header it must carry. */
interface JwtProfile {
  readonly typ: readonly (string | undefined)[];
  /** The credential and its issuer, from the claims. */
  read(claims: Record<string, unknown>): { credential: Record<string, unknown>; issuer: string; context: string };
  /** The time claims: the JWT's iat / nbf / exp and the carried credential's dates. */
  times(claims: Record<string, unknown>): ReturnType<typeof readTimeClaims>;
}

const objectOr = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

const PROFILES: Record<'vc+jwt' | 'jwt_vc_json', JwtProfile> = {
  // W3C VC-JOSE-COSE: the payload is the VCDM 2.0 credential (plus iat).
  'vc+jwt': {
    typ: ['vc+jwt'],
    read: (claims) => {
      const { iat: _iat, ...credential } = claims;
      return { credential, issuer: issuerId(credential as { issuer: unknown }), context: VCDM2_CONTEXT };
    },
    times: (claims) => readTimeClaims(claims, claims),
  },
  // VCDM 1.1 JWT (did-jwt-vc): the credential sits in `vc`, its issuer, subject, id and dates in JWT claims.
  jwt_vc_json: {
    typ: ['JWT', undefined],
    read: (claims) => {
      const vc = objectOr(claims.vc);
      const subject = vc.credentialSubject && typeof vc.credentialSubject === 'object' ? (vc.credentialSubject as Record<string, unknown>) : {};
      const credential: Record<string, unknown> = {
        ...vc,
        ...(typeof claims.jti === 'string' ? { id: claims.jti } : {}),
        issuer: typeof claims.iss === 'string' ? claims.iss : vc.issuer,
        ...(isoOfNumericDate(claims.nbf) ? { issuanceDate: isoOfNumericDate(claims.nbf) } : {}),
        ...(isoOfNumericDate(claims.exp) ? { expirationDate: isoOfNumericDate(claims.exp) } : {}),
        credentialSubject: { ...(typeof claims.sub === 'string' ? { id: claims.sub } : {}), ...subject },
      };
      return { credential, issuer: String(credential.issuer), context: VCDM1_CONTEXT };
    },
    // The claims nbf / exp stand for issuanceDate / expirationDate; a vc carrying its own is checked too.
    times: (claims) => readTimeClaims(claims, objectOr(claims.vc)),
  },
};

export interface VerifyOptions {
  clockSkewSeconds?: number;
  /** Presentations: the nonce the holder's key-binding JWT or VP must carry. */
  challenge?: string;
  /** Presentations: the audience the holder's key-binding JWT or VP must name. */
  domain?: string;
  /** Presentations: accept one that proves no freshness (no challenge and domain asked, or stale); reported as a warning. */
  allowReplay?: boolean;
  /** Presentations: key binding is required. */
  requireHolderBinding?: boolean;
  /** Why the relying party asks: selects the disclosure policy's allowance for foreign credentials. */
  purpose?: string;
  /** Fail unless a region this one recognizes accredits the issuer for the credential's type. */
  requireAccreditation?: boolean;
  /** Fail when a status entry cannot be checked here (a list outside this network, an unknown mechanism). */
  requireStatus?: boolean;
  /** Fail when a credentialSchema names a schema this region does not hold. */
  requireSchema?: boolean;
  /** Options the request carried that this service does not know: reported as warnings (W3C VC API). */
  unknownOptions?: readonly string[];
}

/**
 * Verifies credentials from this region's own copy of the ledger: the issuer's keys and the
 * credential's issuance anchor are read there, and nothing is fetched from the issuer's region.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly resolver: ResolverService,
    private readonly schemas: SchemaRegistry,
    private readonly signers: DidJwsVerifier,
    private readonly status: StatusVerifier,
    private readonly policies: PolicyService,
    private readonly trust: TrustService,
    private readonly ledger: LedgerRepository,
    private readonly presentations: PresentationVerifier,
    private readonly dataIntegrity: DataIntegrityVerifier,
  ) {}

  /** credentialSchema entries the region holds are checked; others are reported, not fetched. */
  private checkSchema(report: Report, credential: Record<string, unknown>, requireSchema: boolean | undefined): void {
    if (credential.credentialSchema === undefined) return;
    const { problems, unknown } = this.schemas.check(credential);
    if (problems.length > 0) report.fail('schema', problems.map((p) => `${p.pointer} ${p.detail}`).join('; '));
    else if (unknown.length > 0 && requireSchema) report.fail('schema', `not held here: ${unknown.join(', ')} (options.requireSchema)`);
    else if (unknown.length > 0) report.skip('schema', `not held here: ${unknown.join(', ')}`);
    else report.pass('schema');
  }

  async verify(input: unknown, options: VerifyOptions = {}): Promise<VerificationResultDto> {
    const report = new Report();
    for (const name of options.unknownOptions ?? []) report.warn('unknown-option', `option ${name} is not one this verifier knows; ignored`);
    // VC-JOSE-COSE presentations (vp+jwt, vp+sd-jwt): presentation-verifier.ts; each enveloped credential comes back here.
    const presentation = options.requireHolderBinding ? presentationFormatOf(input) : undefined;
    if (presentation) {
      const { clockSkewSeconds, purpose, requireAccreditation, requireStatus, requireSchema } = options;
      return this.presentations.verify(report, input, presentation, options, (vc) => this.verify(vc, { clockSkewSeconds, purpose, requireAccreditation, requireStatus, requireSchema }));
    }
    if (isDataIntegritySecured(input)) return this.verifyDataIntegrity(report, input as Record<string, unknown>, options);
    let token: string;
    let format: string | undefined;
    try {
      ({ token, format } = unwrap(input));
    } catch (error) {
      report.fail('format', (error as Error).message);
      return report.result(null);
    }
    if (token.includes('~') || format === 'vc+sd-jwt' || format === 'dc+sd-jwt') return this.verifySdJwt(report, token, format, options);
    if (options.requireHolderBinding) return this.verifyVpJwt(report, token, options);
    const jws = decodeJws(token);
    if (!jws) {
      report.fail('format', 'the token is not a compact JWS with a JSON payload');
      return report.result(null);
    }
    const { header, payload: claims } = jws;
    // Without an envelope the header says what it is: typ vc+jwt, or a VCDM 1.1 JWT with a vc claim.
    format ??= header.typ === 'vc+jwt' ? 'vc+jwt' : 'vc' in claims ? 'jwt_vc_json' : undefined;
    const profile = PROFILES[format as keyof typeof PROFILES];
    if (!profile || !profile.typ.includes(header.typ as string | undefined)) {
      report.fail('format', `expected vc+jwt (typ vc+jwt) or jwt_vc_json (typ JWT); got ${format ?? 'an unknown format'} with typ ${String(header.typ)}`);
      return report.result(null);
    }
    // VC-JOSE-COSE 3.1.1: a vc+jwt payload is the credential itself; the JWT claims vc and vp are of VCDM 1.1 JWTs.
    const legacyClaim = format === 'vc+jwt' ? ['vc', 'vp'].find((claim) => claim in claims) : undefined;
    if (legacyClaim) {
      report.fail('format', `a vc+jwt payload is the credential itself and must not carry the ${legacyClaim} claim`);
      return report.result(null);
    }
    report.pass('format', format);
    const alg = checkAlgorithm(report, header.alg);
    if (!alg) return report.result(null);
    // Malformed time claims end verification before anything reads them (the signer is resolved as of iat).
    const times = profile.times(claims);
    if ('problem' in times) {
      report.fail('validity', times.problem);
      return report.result(null);
    }
    const { credential, issuer, context } = profile.read(claims);
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const did = (kid ?? issuer).split('#')[0]!;
    const signer = await this.checkIssuerSignature(report, token, alg, did, kid);
    if (!signer) return report.result(null);
    const model = dataModelVerdict(credential, context); // the VCDM rules of the format's data model, failures as JSON pointers
    report[model.passed ? 'pass' : 'fail']('data-model', model.detail);
    if (issuer === did) report.pass('issuer', did);
    else report.fail('issuer', `the credential names issuer ${issuer} but is signed by ${did}`);
    this.checkValidity(report, times.claims, options.clockSkewSeconds);
    this.checkSchema(report, credential, options.requireSchema);
    await this.checkIssuerNow(report, did, signer.deactivated);
    await this.checkStatus(report, { credentialStatus: credential.credentialStatus }, did, options.requireStatus);
    const types = typesOf(credential);
    await this.checkAccreditation(report, did, types, options.requireAccreditation);
    return report.result(await this.applyDisclosurePolicy(report, credential, types, did, options.purpose, false));
  }

  /**
   * A credential or presentation with an embedded Data Integrity proof (docs/data-integrity.md):
   * the proof by DataIntegrityVerifier (key tenure as for JOSE), then the checks every credential
   * gets; a presentation's credentials are each verified on their own.
   */
  private async verifyDataIntegrity(report: Report, input: Record<string, unknown>, options: VerifyOptions): Promise<VerificationResultDto> {
    const { proof: _proof, ...content } = input;
    if (typesOf(input).includes('VerifiablePresentation') !== Boolean(options.requireHolderBinding)) {
      report.fail('format', options.requireHolderBinding ? 'a Data Integrity presentation has type VerifiablePresentation' : 'a presentation is verified at POST /presentations/verify');
      return report.result(null);
    }
    report.pass('format', options.requireHolderBinding ? 'ldp_vp' : 'ldp_vc');
    const signed = options.requireHolderBinding ? await this.dataIntegrity.verifyPresentationProof(input, options.challenge, options.domain) : await this.dataIntegrity.verifyCredentialProof(input);
    if (!signed.ok) {
      report.fail(signed.check, signed.problem);
      return report.result(null);
    }
    if (options.requireHolderBinding) {
      report.pass('holder-binding', `${signed.methodId}: ${signed.detail}`);
      const created = signed.proof.created === undefined ? NaN : Date.parse(signed.proof.created);
      this.checkFreshness(report, Number.isNaN(created) ? {} : { iat: created / 1000 }, options, false);
      const embedded = ([] as unknown[]).concat(content.verifiableCredential ?? []);
      const { clockSkewSeconds, purpose, requireAccreditation, requireStatus, requireSchema } = options;
      const credentials = await verifyPresented(report, embedded, (vc) => this.verify(vc, { clockSkewSeconds, purpose, requireAccreditation, requireStatus, requireSchema }), signed.did, signed.jwk);
      return report.result({ ...content, holder: signed.did, verifiableCredential: credentials });
    }
    report.pass('signature', `${signed.methodId}: ${signed.detail}`);
    const context = Array.isArray(content['@context']) && content['@context'][0] === VCDM1_CONTEXT ? VCDM1_CONTEXT : VCDM2_CONTEXT;
    const model = dataModelVerdict(content, context);
    report[model.passed ? 'pass' : 'fail']('data-model', model.detail);
    report.pass('issuer', signed.did);
    const times = readTimeClaims({}, content);
    if ('problem' in times) report.fail('validity', times.problem);
    else this.checkValidity(report, times.claims, options.clockSkewSeconds);
    this.checkSchema(report, content, options.requireSchema);
    await this.checkIssuerNow(report, signed.did, undefined);
    await this.checkStatus(report, { credentialStatus: content.credentialStatus }, signed.did, options.requireStatus);
    const types = typesOf(content);
    await this.checkAccreditation(report, signed.did, types, options.requireAccreditation);
    return report.result(await this.applyDisclosurePolicy(report, content, types, signed.did, options.purpose, false));
  }

  /**
   * A VCDM 1.1 VP JWT (as did-jwt-vc and Veramo make them): signed by an authentication key of
   * the holder DID (`iss`), `nonce` = options.challenge, `aud` = options.domain, fresh; then
   * every credential in `vp.verifiableCredential` is verified on its own.
   */
  private async verifyVpJwt(report: Report, token: string, options: VerifyOptions): Promise<VerificationResultDto> {
    const jws = decodeJws(token);
    if (!jws) {
      report.fail('format', 'a presentation is an SD-JWT with key binding or a VP JWT');
      return report.result(null);
    }
    const { header, payload: claims } = jws;
    const vp = claims.vp as { verifiableCredential?: unknown } | undefined;
    if (!vp || typeof vp !== 'object' || (header.typ !== undefined && header.typ !== 'JWT')) {
      report.fail('format', 'a presentation is an SD-JWT with key binding or a VP JWT (typ JWT with a vp claim)');
      return report.result(null);
    }
    report.pass('format', 'VP JWT');
    const alg = checkAlgorithm(report, header.alg);
    if (!alg) return report.result(null);
    const holder = typeof claims.iss === 'string' ? claims.iss : '';
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const resolved = holder.startsWith('did:') ? await this.resolver.resolve(holder) : undefined;
    const document = resolved?.didDocument as unknown as DidDocumentView | null | undefined;
    if (!document || resolved?.didDocumentMetadata.deactivated) {
      report.fail('holder-binding', `the holder ${holder || '(no iss)'} does not resolve to an active DID here`);
      return report.result(null);
    }
    const methods = methodsOf(document, 'authentication').filter((m) => kid === undefined || m.id === kid);
    let presenterKey: JWK | undefined;
    for (const method of methods) {
      const jwk = jwkOf(method);
      if (!jwk || jwk.kty !== JWS_ALGORITHMS[alg]!.kty || jwk.crv !== JWS_ALGORITHMS[alg]!.crv) continue;
      if (await verifies(token, jwk, alg)) {
        presenterKey = jwk;
        break;
      }
    }
    if (!presenterKey) {
      report.fail('holder-binding', `the presentation is not signed by an authentication key of ${holder}`);
      return report.result(null);
    }
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (options.challenge !== undefined && claims.nonce !== options.challenge) report.fail('holder-binding', 'the nonce is not the challenge');
    else if (options.domain !== undefined && !audience.includes(options.domain)) report.fail('holder-binding', 'the audience is not the domain');
    else report.pass('holder-binding', holder);
    this.checkFreshness(report, claims, options, false);
    const embedded = Array.isArray(vp.verifiableCredential) ? vp.verifiableCredential : vp.verifiableCredential === undefined ? [] : [vp.verifiableCredential];
    const { clockSkewSeconds, purpose, requireAccreditation, requireStatus, requireSchema, allowReplay } = options;
    const verifyOne = (credential: unknown) => this.verify(credential, { clockSkewSeconds, purpose, requireAccreditation, requireStatus, requireSchema, allowReplay });
    const credentials = await verifyPresented(report, embedded, verifyOne, holder, presenterKey);
    return report.result({ ...vp, holder, verifiableCredential: credentials });
  }

  /**
   * SD-JWT (vc+sd-jwt, dc+sd-jwt): issuer signature as for the other JWT formats, then every
   * disclosure must be referenced by a digest (RFC 9901 7.1), then the key-binding JWT when
   * there is one or when the caller requires it.
   */
  private async verifySdJwt(report: Report, token: string, envelopeFormat: string | undefined, options: VerifyOptions): Promise<VerificationResultDto> {
    const parts = token.split('~');
    const issuerJwt = parts[0]!;
    const kbJwt = parts[parts.length - 1]!;
    const disclosures = parts.slice(1, -1);
    const jws = decodeJws(issuerJwt);
    if (!jws) {
      report.fail('format', 'the SD-JWT does not start with a compact JWS with a JSON payload');
      return report.result(null);
    }
    const { header, payload } = jws;
    const format = envelopeFormat ?? String(header.typ);
    if ((format !== 'vc+sd-jwt' && format !== 'dc+sd-jwt') || header.typ !== format) {
      report.fail('format', `expected vc+sd-jwt or dc+sd-jwt (typ of the same name); got ${format} with typ ${String(header.typ)}`);
      return report.result(null);
    }
    report.pass('format', format);
    const alg = checkAlgorithm(report, header.alg);
    if (!alg) return report.result(null);
    const issuer = format === 'dc+sd-jwt' ? (typeof payload.iss === 'string' ? payload.iss : '') : issuerId(payload as { issuer: unknown });
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const did = (kid ?? issuer).split('#')[0]!;
    // Malformed time claims end verification before anything reads them (the signer is resolved as of iat).
    const signedTimes = readTimeClaims(payload, format === 'vc+sd-jwt' ? payload : undefined);
    if ('problem' in signedTimes) {
      report.fail('validity', signedTimes.problem);
      return report.result(null);
    }
    const signer = await this.checkIssuerSignature(report, issuerJwt, alg, did, kid);
    if (!signer) return report.result(null);
    if (parts.length < 2) {
      report.fail('disclosures', 'an SD-JWT is the signed JWT, its disclosures and a key-binding JWT (or none), each followed by ~');
      return report.result(null);
    }
    // Each disclosure hashed and decoded once: the references checked and the claims built in one pass.
    const opened = discloseSdJwt(payload, disclosures);
    if ('problem' in opened) {
      report.fail('disclosures', opened.problem);
      return report.result(null);
    }
    const disclosed = opened.claims;
    // SD-JWT VC 3.2.2.2: the time claims are never selectively disclosable, so no holder can add or hide one.
    const timeClaim = ['iat', 'nbf', 'exp'].find((claim) => disclosed[claim] !== payload[claim]);
    if (timeClaim) {
      report.fail('disclosures', `a disclosure carries ${timeClaim}, which cannot be selectively disclosable`);
      return report.result(null);
    }
    report.pass('disclosures', `${disclosures.length} disclosed`);
    await this.checkKeyBinding(report, payload, parts.slice(0, -1).join('~') + '~', kbJwt, options);
    const { _sd_alg: _alg, iat: _iat, ...content } = disclosed;
    if (format === 'vc+sd-jwt') {
      const model = dataModelVerdict(content, VCDM2_CONTEXT, { signed: payload });
      report[model.passed ? 'pass' : 'fail']('data-model', model.detail);
    } else if (typeof content.vct === 'string') report.pass('data-model', `SD-JWT VC ${content.vct}`);
    else report.fail('data-model', 'an SD-JWT VC has a vct claim');
    if (issuer === did) report.pass('issuer', did);
    else report.fail('issuer', `the credential names issuer ${issuer} but is signed by ${did}`);
    // vc+sd-jwt: validFrom / validUntil may come from disclosures, so they are read as disclosed.
    const times = readTimeClaims(disclosed, format === 'vc+sd-jwt' ? content : undefined);
    if ('problem' in times) report.fail('validity', times.problem);
    else this.checkValidity(report, times.claims, options.clockSkewSeconds);
    if (format === 'vc+sd-jwt') this.checkSchema(report, content, options.requireSchema);
    await this.checkIssuerNow(report, did, signer.deactivated);
    await this.checkStatus(report, format === 'dc+sd-jwt' ? { status: content.status } : { credentialStatus: content.credentialStatus }, did, options.requireStatus);
    const types = format === 'dc+sd-jwt' ? typesOfVct(content.vct) : typesOf(content);
    await this.checkAccreditation(report, did, types, options.requireAccreditation);
    return report.result(await this.applyDisclosurePolicy(report, content, types, did, options.purpose, format === 'dc+sd-jwt'));
  }

  /**
   * Verifies a compact JWS (an SD-JWT's issuer-signed part) with an assertion key of the issuer:
   * one its current document holds, or one that left it after this credential's digest was
   * anchored on the ledger (docs/credentials.md). The detail says which rule decided.
   */
  private async checkIssuerSignature(report: Report, jws: string, alg: string, did: string, kid: string | undefined): Promise<{ methodId: string; deactivated?: boolean } | undefined> {
    const signer = await this.signers.verifyAssertion(jws, alg, did, kid, () => this.ledger.anchorsOf(credentialDigest(jws)));
    if ('methodId' in signer) {
      report.pass('signature', `${signer.methodId}: ${signer.detail}`);
      return signer;
    }
    report.fail(signer.check, signer.problem);
    return undefined;
  }

  /**
   * The jurisdiction's disclosure policy (docs/jurisdictions.md): a relying party here receives
   * of a credential issued in another region only the subject claims this region's policy
   * allows for the stated purpose; the rest is withheld from the answer and reported.
   */
  private async applyDisclosurePolicy(report: Report, content: Record<string, unknown>, types: string[], issuer: string, purpose: string | undefined, claimsAtTop: boolean): Promise<Record<string, unknown>> {
    // The verdict is pure and cheap; the issuer's home region is looked up only when a rule applies.
    const verdict = applyForeignDisclosure(this.policies.policy, types, purpose, content, claimsAtTop);
    if (!verdict) return content;
    const here = this.policies.region;
    const home = issuer.startsWith('did:isthmus:') ? (await this.resolver.chain(issuer))?.current.home : undefined;
    if (home === here) return content;
    const what = `region ${here}'s policy for purpose ${verdict.appliedPurpose === '*' ? `${purpose ?? '(none stated)'} (the default allowance)` : verdict.appliedPurpose} of a ${types.at(-1)} from ${home ? `region ${home}` : 'outside the network'}`;
    if (verdict.withheld.length === 0) {
      report.pass('disclosure-policy', `nothing beyond ${what}`);
      return content;
    }
    const detail = `withheld ${verdict.withheld.join(', ')}: more than ${what} allows a relying party here to receive`;
    report.pass('disclosure-policy', detail);
    report.warn('disclosure-policy', detail);
    return verdict.credential;
  }

  /** Whether a region this one recognizes accredits the issuer for one of the credential's types (the trust list, docs/jurisdictions.md). */
  private async checkAccreditation(report: Report, issuer: string, types: string[], required: boolean | undefined): Promise<void> {
    const wanted = types.filter((t) => t !== 'VerifiableCredential');
    const verdict = await this.trust.accreditation(issuer, wanted, new Date());
    const describe = (items: { region: string; type: string }[]) => items.map((i) => `${i.type} by ${i.region}`).join(', ');
    if (verdict.recognized.length > 0) {
      report.pass('issuer-accreditation', `accredited for ${describe(verdict.recognized)}`);
      return;
    }
    const why =
      verdict.unrecognized.length > 0
        ? `accredited for ${describe(verdict.unrecognized)}, which region ${this.policies.region} does not recognize`
        : `no region accredits ${issuer} for ${wanted.join(', ') || 'this credential'}`;
    if (required) report.fail('issuer-accreditation', why);
    else report.skip('issuer-accreditation', why);
  }

  /** Every status entry, read from this region's copy of the issuer's lists. */
  private async checkStatus(report: Report, carrier: { credentialStatus?: unknown; status?: unknown }, issuer: string, requireStatus: boolean | undefined): Promise<void> {
    for (const check of await this.status.check(carrier, issuer, { requireStatus })) report.record(check);
  }

  /** RFC 9901 key binding: signed by cnf.jwk, over this very presentation, for this nonce and audience, and fresh. */
  private async checkKeyBinding(report: Report, payload: Record<string, unknown>, presented: string, kbJwt: string, options: VerifyOptions): Promise<void> {
    const required = options.requireHolderBinding || options.challenge !== undefined || options.domain !== undefined;
    if (kbJwt === '') {
      if (required) report.fail('holder-binding', 'the presentation has no key-binding JWT');
      else report.skip('holder-binding', 'no key-binding JWT (not a presentation)');
      return;
    }
    const bound = await verifyKeyBinding((payload.cnf as { jwk?: JWK } | undefined)?.jwk, presented, kbJwt, { nonce: options.challenge, audience: options.domain });
    if ('problem' in bound) {
      report.fail('holder-binding', bound.problem);
      return;
    }
    report.pass('holder-binding', 'signed by the holder key in cnf');
    this.checkFreshness(report, bound.claims, options, true);
  }

  /** The presentation's own time claims, and a challenge and domain asked for, unless the relying party waives them. */
  private checkFreshness(report: Report, claims: Record<string, unknown>, options: VerifyOptions, requireIat: boolean): void {
    const verdict = presentationFreshness(claims, options, { nowMs: Date.now(), skewSeconds: options.clockSkewSeconds }, requireIat);
    if (!verdict.ok) {
      report.fail('freshness', verdict.problem);
      return;
    }
    report.pass('freshness', verdict.detail);
    if (verdict.waived) report.warn('freshness', verdict.waived);
  }

  /** The credential's iat / nbf / exp and validFrom / validUntil against now, with the relying party's clock skew. */
  private checkValidity(report: Report, times: TimeClaims, skewSeconds: number | undefined): void {
    const problem = timeClaimsProblem(times, { nowMs: Date.now(), skewSeconds });
    if (problem) report.fail('validity', problem);
    else report.pass('validity');
  }

  /** What happened to the issuer since: deactivation fails (a removed key is the signature check's to judge). */
  private async checkIssuerNow(report: Report, did: string, deactivated: boolean | undefined): Promise<void> {
    // Known from the chain the signature check just read (did:isthmus): not read again.
    if (deactivated ?? (await this.resolver.resolve(did)).didDocumentMetadata.deactivated) {
      report.fail('issuer-active', `the issuer ${did} has been deactivated`);
      return;
    }
    report.pass('issuer-active');
  }
}

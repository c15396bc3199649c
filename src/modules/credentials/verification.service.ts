import { Injectable } from '@nestjs/common';
import { SDJwt } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import type { JWK } from 'jose';
import { unwrap } from '../../domain/credentials/envelope.js';
import { keyBindingProblem, unreferencedDisclosure } from '../../domain/credentials/sd-jwt.js';
import { issuerId, typesOf, typesOfVct, VCDM1_CONTEXT, VCDM2_CONTEXT } from '../../domain/credentials/vcdm.js';
import { decodeJws, DidJwsVerifier, JWS_ALGORITHMS, jwkOf, methodsOf, verifies, type DidDocumentView } from '../registry/did-jws.js';
import { credentialDigest } from '../../domain/credentials/anchor.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { ResolverService } from '../registry/resolver.service.js';
import { StatusVerifier } from '../status/status-verifier.js';
import { PolicyService } from '../policy/policy.service.js';
import { TrustService } from '../trust/trust.service.js';
import { applyForeignDisclosure } from '../../domain/policy/policy.js';
import { SchemaRegistry } from './schema-registry.js';
import type { VerificationCheckDto, VerificationResultDto } from './dto/credentials.dto.js';

const DEFAULT_SKEW_SECONDS = 60;
const MAX_SKEW_SECONDS = 300;

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
  /** The credential, its issuer, and when it was signed (ms), from the verified claims. */
  read(claims: Record<string, unknown>): { credential: Record<string, unknown>; issuer: string; signedAt: number | undefined; context: string };
}

/** A whole-second NumericDate means "before the end of that second"; ours carry milliseconds. */
const numericDateMs = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? (Number.isInteger(value) ? value * 1000 + 999 : Math.round(value * 1000)) : undefined;
const isoOf = (seconds: unknown): string | undefined => (typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : undefined);

const PROFILES: Record<'vc+jwt' | 'jwt_vc_json', JwtProfile> = {
  // W3C VC-JOSE-COSE: the payload is the VCDM 2.0 credential (plus iat).
  'vc+jwt': {
    typ: ['vc+jwt'],
    read: (claims) => {
      const { iat, ...credential } = claims;
      return { credential, issuer: issuerId(credential as { issuer: unknown }), signedAt: numericDateMs(iat), context: VCDM2_CONTEXT };
    },
  },
  // VCDM 1.1 JWT (did-jwt-vc): the credential sits in `vc`, its issuer, subject, id and dates in JWT claims.
  jwt_vc_json: {
    typ: ['JWT', undefined],
    read: (claims) => {
      const vc = (claims.vc && typeof claims.vc === 'object' ? claims.vc : {}) as Record<string, unknown>;
      const subject = vc.credentialSubject && typeof vc.credentialSubject === 'object' ? (vc.credentialSubject as Record<string, unknown>) : {};
      const credential: Record<string, unknown> = {
        ...vc,
        ...(typeof claims.jti === 'string' ? { id: claims.jti } : {}),
        issuer: typeof claims.iss === 'string' ? claims.iss : vc.issuer,
        ...(isoOf(claims.nbf) ? { issuanceDate: isoOf(claims.nbf) } : {}),
        ...(isoOf(claims.exp) ? { expirationDate: isoOf(claims.exp) } : {}),
        credentialSubject: { ...(typeof claims.sub === 'string' ? { id: claims.sub } : {}), ...subject },
      };
      return { credential, issuer: String(credential.issuer), signedAt: numericDateMs(claims.iat) ?? numericDateMs(claims.nbf), context: VCDM1_CONTEXT };
    },
  },
};

export interface VerifyOptions {
  clockSkewSeconds?: number;
  /** Presentations: the nonce the holder's key-binding JWT must carry. */
  challenge?: string;
  /** Presentations: the audience the holder's key-binding JWT must name. */
  domain?: string;
  /** Presentations: key binding is required. */
  requireHolderBinding?: boolean;
  /** Why the relying party asks: selects the disclosure policy's allowance for foreign credentials. */
  purpose?: string;
  /** Fail unless a region this one recognizes accredits the issuer for the credential's type. */
  requireAccreditation?: boolean;
}

const KB_MAX_AGE_SECONDS = 300;


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
  ) {}

  /** credentialSchema entries the region holds are checked; others are reported, not fetched. */
  private checkSchema(report: Report, credential: Record<string, unknown>): void {
    if (credential.credentialSchema === undefined) return;
    const { problems, unknown } = this.schemas.check(credential);
    if (problems.length > 0) report.fail('schema', problems.map((p) => `${p.pointer} ${p.detail}`).join('; '));
    else if (unknown.length > 0) report.skip('schema', `not held here: ${unknown.join(', ')}`);
    else report.pass('schema');
  }

  async verify(input: unknown, options: VerifyOptions = {}): Promise<VerificationResultDto> {
    const report = new Report();
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
    report.pass('format', format);
    const alg = checkAlgorithm(report, header.alg);
    if (!alg) return report.result(null);
    const { credential, issuer, context } = profile.read(claims);
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const did = (kid ?? issuer).split('#')[0]!;
    const signer = await this.checkIssuerSignature(report, token, alg, did, kid);
    if (!signer) return report.result(null);
    const contexts = credential['@context'];
    if (Array.isArray(contexts) && contexts[0] === context) report.pass('data-model', context === VCDM2_CONTEXT ? 'VCDM 2.0' : 'VCDM 1.1');
    else report.fail('data-model', `@context must start with ${context}`);
    if (issuer === did) report.pass('issuer', did);
    else report.fail('issuer', `the credential names issuer ${issuer} but is signed by ${did}`);
    this.checkValidity(report, credential, options.clockSkewSeconds);
    this.checkSchema(report, credential);
    await this.checkIssuerNow(report, did);
    await this.checkStatus(report, { credentialStatus: credential.credentialStatus }, did);
    const types = typesOf(credential);
    await this.checkAccreditation(report, did, types, options.requireAccreditation);
    return report.result(await this.applyDisclosurePolicy(report, credential, types, did, options.purpose, false));
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
    let bound = false;
    for (const method of methods) {
      const jwk = jwkOf(method);
      if (!jwk || jwk.kty !== JWS_ALGORITHMS[alg]!.kty || jwk.crv !== JWS_ALGORITHMS[alg]!.crv) continue;
      if (await verifies(token, jwk, alg)) {
        bound = true;
        break;
      }
    }
    if (!bound) {
      report.fail('holder-binding', `the presentation is not signed by an authentication key of ${holder}`);
      return report.result(null);
    }
    const now = Date.now() / 1000;
    const skew = Math.min(Math.max(options.clockSkewSeconds ?? DEFAULT_SKEW_SECONDS, 0), MAX_SKEW_SECONDS);
    if (options.challenge !== undefined && claims.nonce !== options.challenge) report.fail('holder-binding', 'the nonce is not the challenge');
    else if (options.domain !== undefined && claims.aud !== options.domain && !(Array.isArray(claims.aud) && claims.aud.includes(options.domain))) report.fail('holder-binding', 'the audience is not the domain');
    else if (typeof claims.exp === 'number' && claims.exp + skew < now) report.fail('holder-binding', 'the presentation has expired');
    else if (typeof claims.iat === 'number' && (now - claims.iat > KB_MAX_AGE_SECONDS || claims.iat - skew > now)) report.fail('holder-binding', `the presentation is not fresh (iat ${claims.iat})`);
    else report.pass('holder-binding', holder);
    if (options.challenge === undefined) report.warn('challenge', 'no challenge was given: the presentation could be a replay');
    const embedded = Array.isArray(vp.verifiableCredential) ? vp.verifiableCredential : vp.verifiableCredential === undefined ? [] : [vp.verifiableCredential];
    const credentials: Record<string, unknown>[] = [];
    for (const [i, credential] of embedded.entries()) {
      const result = await this.verify(credential, { clockSkewSeconds: options.clockSkewSeconds, purpose: options.purpose, requireAccreditation: options.requireAccreditation });
      for (const error of result.errors) report.fail(`credential-${i}:${error.check}`, error.detail ?? '');
      for (const warning of result.warnings) report.warn(`credential-${i}:${warning.check}`, warning.detail ?? '');
      if (result.credential) credentials.push(result.credential);
    }
    report.pass('credentials', `${credentials.length} of ${embedded.length} verified`);
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
    const disclosures = parts.slice(1, -1).filter((d) => d !== '');
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
    const issuer = format === 'dc+sd-jwt' ? String(payload.iss) : issuerId(payload as { issuer: unknown });
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const did = (kid ?? issuer).split('#')[0]!;
    const signer = await this.checkIssuerSignature(report, issuerJwt, alg, did, kid);
    if (!signer) return report.result(null);
    const why = unreferencedDisclosure(payload, disclosures);
    if (why) {
      report.fail('disclosures', why);
      return report.result(null);
    }
    let disclosed: Record<string, unknown>;
    try {
      const sdjwt = await SDJwt.fromEncode(parts.slice(0, -1).join('~') + '~', digest);
      disclosed = (await sdjwt.getClaims(digest)) as Record<string, unknown>;
      report.pass('disclosures', `${disclosures.length} disclosed`);
    } catch (error) {
      report.fail('disclosures', (error as Error).message);
      return report.result(null);
    }
    await this.checkKeyBinding(report, payload, parts.slice(0, -1).join('~') + '~', kbJwt, options);
    const { _sd_alg: _alg, iat: _iat, ...content } = disclosed;
    if (format === 'vc+sd-jwt') {
      const contexts = content['@context'];
      if (Array.isArray(contexts) && contexts[0] === VCDM2_CONTEXT) report.pass('data-model', 'VCDM 2.0');
      else report.fail('data-model', `@context must start with ${VCDM2_CONTEXT}`);
    } else if (typeof content.vct === 'string') report.pass('data-model', `SD-JWT VC ${content.vct}`);
    else report.fail('data-model', 'an SD-JWT VC has a vct claim');
    if (issuer === did) report.pass('issuer', did);
    else report.fail('issuer', `the credential names issuer ${issuer} but is signed by ${did}`);
    this.checkValidity(report, format === 'dc+sd-jwt' ? { validFrom: isoOf(content.nbf), validUntil: isoOf(content.exp) } : content, options.clockSkewSeconds);
    if (format === 'vc+sd-jwt') this.checkSchema(report, content);
    await this.checkIssuerNow(report, did);
    await this.checkStatus(report, format === 'dc+sd-jwt' ? { status: content.status } : { credentialStatus: content.credentialStatus }, did);
    const types = format === 'dc+sd-jwt' ? typesOfVct(content.vct) : typesOf(content);
    await this.checkAccreditation(report, did, types, options.requireAccreditation);
    return report.result(await this.applyDisclosurePolicy(report, content, types, did, options.purpose, format === 'dc+sd-jwt'));
  }

  /**
   * Verifies a compact JWS (an SD-JWT's issuer-signed part) with an assertion key of the issuer:
   * one its current document holds, or one that left it after this credential's digest was
   * anchored on the ledger (docs/credentials.md). The detail says which rule decided.
   */
  private async checkIssuerSignature(report: Report, jws: string, alg: string, did: string, kid: string | undefined): Promise<string | undefined> {
    const signer = await this.signers.verifyAssertion(jws, alg, did, kid, () => this.ledger.anchorsOf(credentialDigest(jws)));
    if ('methodId' in signer) {
      report.pass('signature', `${signer.methodId}: ${signer.detail}`);
      return signer.methodId;
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
  private async checkStatus(report: Report, carrier: { credentialStatus?: unknown; status?: unknown }, issuer: string): Promise<void> {
    for (const check of await this.status.check(carrier, issuer)) report.record(check);
  }

  /** RFC 9901 key binding: signed by cnf.jwk, over this very presentation, fresh, for this nonce and audience. */
  private async checkKeyBinding(report: Report, payload: Record<string, unknown>, presented: string, kbJwt: string, options: VerifyOptions): Promise<void> {
    const required = options.requireHolderBinding || options.challenge !== undefined || options.domain !== undefined;
    if (kbJwt === '') {
      if (required) report.fail('holder-binding', 'the presentation has no key-binding JWT');
      else report.skip('holder-binding', 'no key-binding JWT (not a presentation)');
      return;
    }
    const why = await keyBindingProblem((payload.cnf as { jwk?: JWK } | undefined)?.jwk, presented, kbJwt, {
      nonce: options.challenge,
      audience: options.domain,
      now: Date.now() / 1000,
      maxAgeSeconds: KB_MAX_AGE_SECONDS,
      skewSeconds: DEFAULT_SKEW_SECONDS,
    });
    if (why) report.fail('holder-binding', why);
    else report.pass('holder-binding', 'signed by the holder key in cnf');
  }

  private checkValidity(report: Report, credential: Record<string, unknown>, skewOption?: number): void {
    const skew = Math.min(Math.max(skewOption ?? DEFAULT_SKEW_SECONDS, 0), MAX_SKEW_SECONDS) * 1000;
    const now = Date.now();
    // VCDM 2.0 validFrom / validUntil; VCDM 1.1 issuanceDate / expirationDate.
    const fromText = credential.validFrom ?? credential.issuanceDate;
    const untilText = credential.validUntil ?? credential.expirationDate;
    const from = typeof fromText === 'string' ? Date.parse(fromText) : undefined;
    const until = typeof untilText === 'string' ? Date.parse(untilText) : undefined;
    if (from !== undefined && (Number.isNaN(from) || from - skew > now)) report.fail('validity', `not valid before ${String(fromText)}`);
    else if (until !== undefined && (Number.isNaN(until) || until + skew < now)) report.fail('validity', `expired at ${String(untilText)}`);
    else report.pass('validity');
  }

  /** What happened to the issuer since: deactivation fails (a removed key is the signature check's to judge). */
  private async checkIssuerNow(report: Report, did: string): Promise<void> {
    const now = await this.resolver.resolve(did);
    if (now.didDocumentMetadata.deactivated) {
      report.fail('issuer-active', `the issuer ${did} has been deactivated`);
      return;
    }
    report.pass('issuer-active');
  }
}

import { Injectable } from '@nestjs/common';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { unwrap } from '../../domain/credentials/envelope.js';
import { issuerId, VCDM2_CONTEXT } from '../../domain/credentials/vcdm.js';
import { parseMultikey } from '../../domain/did/index.js';
import { ResolverService } from '../registry/resolver.service.js';
import type { VerificationCheckDto, VerificationResultDto } from './dto/credentials.dto.js';

/** Only these algorithms, each bound to its key type: no `none`, no HMAC, no key confusion. */
const ALGORITHMS: Record<string, { kty: string; crv: string }> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
};
const DEFAULT_SKEW_SECONDS = 60;
const MAX_SKEW_SECONDS = 300;

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
  warn(check: string, detail: string): void {
    this.warnings.push({ check, result: 'passed', detail });
  }
  result(credential: Record<string, unknown> | null): VerificationResultDto {
    const errors = this.checks.filter((c) => c.result === 'failed');
    return { verified: errors.length === 0 && credential !== null, checks: this.checks, warnings: this.warnings, errors, credential: errors.length === 0 ? credential : null };
  }
}

type VerificationMethod = { id: string; publicKeyJwk?: JWK; publicKeyMultibase?: string };
type Document = { id: string; verificationMethod?: VerificationMethod[]; assertionMethod?: (string | VerificationMethod)[] };

/**
 * Verifies credentials from this region's own copy of the ledger: the issuer's DID is resolved
 * as it was when the credential was signed, and nothing is fetched from the issuer's region.
 */
@Injectable()
export class VerificationService {
  constructor(private readonly resolver: ResolverService) {}

  async verify(input: unknown, options: { clockSkewSeconds?: number } = {}): Promise<VerificationResultDto> {
    const report = new Report();
    let token: string;
    let format: string | undefined;
    try {
      ({ token, format } = unwrap(input));
    } catch (error) {
      report.fail('format', (error as Error).message);
      return report.result(null);
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      report.fail('format', 'the token is not a compact JWS');
      return report.result(null);
    }
    format ??= typeof header.typ === 'string' ? header.typ : undefined;
    if (format !== 'vc+jwt' || header.typ !== 'vc+jwt') {
      report.fail('format', `expected a vc+jwt (typ vc+jwt); got format ${format ?? 'unknown'} with typ ${String(header.typ)}`);
      return report.result(null);
    }
    report.pass('format', 'vc+jwt');
    const alg = String(header.alg);
    if (!ALGORITHMS[alg]) {
      report.fail('algorithm', `alg ${alg} is not allowed; allowed: ${Object.keys(ALGORITHMS).join(', ')}`);
      return report.result(null);
    }
    report.pass('algorithm', alg);
    const kid = typeof header.kid === 'string' ? header.kid : '';
    const did = kid.split('#')[0]!;
    if (!kid.includes('#') || !did.startsWith('did:')) {
      report.fail('issuer', 'kid must be a DID URL naming the verification method');
      return report.result(null);
    }
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      report.fail('format', 'the payload is not JSON');
      return report.result(null);
    }
    // The issuer's document as it was when the credential was signed (a later rotation does not break it).
    // A whole-second iat means "before the end of that second"; ours carry milliseconds.
    const iat = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? claims.iat : undefined;
    const signedAt = iat === undefined ? undefined : new Date(Number.isInteger(iat) ? iat * 1000 + 999 : Math.round(iat * 1000));
    const atIssuance = await this.resolver.resolve(did, signedAt ? { versionTime: signedAt.toISOString() } : {});
    if (atIssuance.didResolutionMetadata.error) {
      report.fail('issuer', `the issuer ${did} does not resolve from this region's ledger: ${String(atIssuance.didResolutionMetadata.message ?? atIssuance.didResolutionMetadata.error)}`);
      return report.result(null);
    }
    const document = atIssuance.didDocument as unknown as Document;
    const method = this.assertionMethod(document, kid);
    if (!method) {
      report.fail('signature', `${kid} is not an assertion method of ${did} at the time of issuance`);
      return report.result(null);
    }
    let jwk: JWK;
    try {
      jwk = method.publicKeyJwk ?? (parseMultikey(method.publicKeyMultibase).jwk as JWK);
    } catch (error) {
      report.fail('signature', `the verification method's key is unusable: ${(error as Error).message}`);
      return report.result(null);
    }
    if (jwk.kty !== ALGORITHMS[alg]!.kty || jwk.crv !== ALGORITHMS[alg]!.crv) {
      report.fail('signature', `alg ${alg} does not match the ${String(jwk.crv ?? jwk.kty)} key of ${kid}`);
      return report.result(null);
    }
    try {
      await compactVerify(token, await importJWK(jwk, alg), { algorithms: [alg] });
      report.pass('signature', kid);
    } catch {
      report.fail('signature', `the signature does not verify with ${kid}`);
      return report.result(null);
    }
    const { iat: _iat, ...credential } = claims;
    if (Array.isArray(credential['@context']) && credential['@context'][0] === VCDM2_CONTEXT) report.pass('data-model', 'VCDM 2.0');
    else report.fail('data-model', `@context must start with ${VCDM2_CONTEXT}`);
    if (issuerId(credential as { issuer: unknown }) === did) report.pass('issuer', did);
    else report.fail('issuer', `the credential names issuer ${issuerId(credential as { issuer: unknown })} but is signed by ${did}`);
    this.checkValidity(report, credential, options.clockSkewSeconds);
    await this.checkIssuerNow(report, did, kid);
    report.skip('status', 'status lists are not checked yet');
    return report.result(credential);
  }

  private assertionMethod(document: Document, kid: string): VerificationMethod | undefined {
    const absolute = (id: string) => (id.startsWith('#') ? `${document.id}${id}` : id);
    for (const entry of document.assertionMethod ?? []) {
      if (typeof entry === 'object' && absolute(entry.id) === kid) return entry;
      if (typeof entry === 'string' && absolute(entry) === kid) return document.verificationMethod?.find((m) => absolute(m.id) === kid);
    }
    return undefined;
  }

  private checkValidity(report: Report, credential: Record<string, unknown>, skewOption?: number): void {
    const skew = Math.min(Math.max(skewOption ?? DEFAULT_SKEW_SECONDS, 0), MAX_SKEW_SECONDS) * 1000;
    const now = Date.now();
    const from = typeof credential.validFrom === 'string' ? Date.parse(credential.validFrom) : undefined;
    const until = typeof credential.validUntil === 'string' ? Date.parse(credential.validUntil) : undefined;
    if (from !== undefined && (Number.isNaN(from) || from - skew > now)) report.fail('validity', `not valid before ${String(credential.validFrom)}`);
    else if (until !== undefined && (Number.isNaN(until) || until + skew < now)) report.fail('validity', `expired at ${String(credential.validUntil)}`);
    else report.pass('validity');
  }

  /** What happened to the issuer since: deactivation fails; a removed key is a warning. */
  private async checkIssuerNow(report: Report, did: string, kid: string): Promise<void> {
    const now = await this.resolver.resolve(did);
    if (now.didDocumentMetadata.deactivated) {
      report.fail('issuer-active', `the issuer ${did} has been deactivated`);
      return;
    }
    report.pass('issuer-active');
    if (!this.assertionMethod(now.didDocument as unknown as Document, kid)) {
      report.warn('key-removed', `${kid} signed this credential but is no longer an assertion method of ${did}; the issuer may have rotated or revoked it`);
    }
  }
}

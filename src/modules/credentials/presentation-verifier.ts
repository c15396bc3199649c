import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { envelopedCredentialProblem, holderKidProblem, presentationToken, readJosePresentation, type PresentationFormat } from '../../domain/credentials/jose-presentation.js';
import { presenterProblem, presentationFreshness } from '../../domain/credentials/presentation.js';
import { discloseSdJwt, verifyKeyBinding } from '../../domain/credentials/sd-jwt.js';
import { decodeJws, JWS_ALGORITHMS, jwkOf, methodsOf, verifies, type DidDocumentView } from '../registry/did-jws.js';
import { ResolverService } from '../registry/resolver.service.js';
import type { VerificationResultDto } from './dto/credentials.dto.js';

/** What the presentation verifier writes its checks to (VerificationService's report). */
export interface PresentationReport {
  pass(check: string, detail?: string): void;
  fail(check: string, detail: string): void;
  skip(check: string, detail: string): void;
  warn(check: string, detail: string): void;
  result(credential: Record<string, unknown> | null): VerificationResultDto;
}

export interface PresentationOptions {
  readonly challenge?: string;
  readonly domain?: string;
  readonly allowReplay?: boolean;
  readonly clockSkewSeconds?: number;
}

/** Verifies one embedded credential as POST /credentials/verify would. */
export type CredentialVerifier = (credential: unknown) => Promise<VerificationResultDto>;

/**
 * Verifies every credential of a presentation on its own (failures reported as
 * `credential-<n>:<check>`), and that whoever presents is entitled to it: its subject, or the
 * holder of the key it is bound to. `shapeProblem` refuses an entry before it is verified.
 * Returns the credentials that passed, as the relying party may see them.
 */
export async function verifyPresented(
  report: PresentationReport,
  entries: readonly unknown[],
  verifyCredential: CredentialVerifier,
  holder: string,
  presenterKey: JWK,
  shapeProblem: (entry: unknown) => string | undefined = () => undefined,
): Promise<Record<string, unknown>[]> {
  const credentials: Record<string, unknown>[] = [];
  for (const [i, entry] of entries.entries()) {
    const problem = shapeProblem(entry);
    if (problem) {
      report.fail(`credential-${i}:format`, problem);
      continue;
    }
    const result = await verifyCredential(entry);
    for (const error of result.errors) report.fail(`credential-${i}:${error.check}`, error.detail ?? '');
    for (const warning of result.warnings) report.warn(`credential-${i}:${warning.check}`, warning.detail ?? '');
    if (!result.credential) continue;
    const notPresenter = presenterProblem(result.credential, holder, presenterKey);
    if (notPresenter) report.fail(`credential-${i}:presenter`, notPresenter);
    else credentials.push(result.credential);
  }
  report.pass('credentials', `${credentials.length} of ${entries.length} verified`);
  return credentials;
}

/**
 * VC-JOSE-COSE presentations (docs/credentials.md, "Presentations"): vp+jwt, whose payload is
 * the VCDM 2.0 presentation, and vp+sd-jwt, an SD-JWT whose (disclosed) payload is. Either is
 * signed by an authentication key of the holder DID; nonce / aud / iat / exp are JWT claims
 * (for a vp+sd-jwt with cnf, those of its key-binding JWT). Every enveloped credential is
 * verified on its own and must be the presenter's (subject, or cnf key).
 */
@Injectable()
export class PresentationVerifier {
  constructor(private readonly resolver: ResolverService) {}

  async verify(report: PresentationReport, input: unknown, format: PresentationFormat, options: PresentationOptions, verifyCredential: CredentialVerifier): Promise<VerificationResultDto> {
    const token = presentationToken(input);
    const parts = format === 'vp+sd-jwt' ? token.split('~') : [token];
    if (format === 'vp+sd-jwt' && parts.length < 2) {
      report.fail('format', 'a vp+sd-jwt is an SD-JWT: the signed JWT, its disclosures and a key-binding JWT, separated by ~');
      return report.result(null);
    }
    const signedJwt = parts[0]!;
    const jws = decodeJws(signedJwt);
    if (!jws || jws.header.typ !== format) {
      report.fail('format', `a ${format} presentation is a compact JWS with typ ${format} and a JSON payload`);
      return report.result(null);
    }
    const alg = String(jws.header.alg);
    if (!JWS_ALGORITHMS[alg]) {
      report.fail('algorithm', `alg ${alg} is not allowed; allowed: ${Object.keys(JWS_ALGORITHMS).join(', ')}`);
      return report.result(null);
    }
    let claims = jws.payload;
    if (format === 'vp+sd-jwt') {
      const opened = discloseSdJwt(claims, parts.slice(1, -1));
      if ('problem' in opened) {
        report.fail('disclosures', opened.problem);
        return report.result(null);
      }
      claims = opened.claims;
      // Freshness and audience cannot come from what the holder chooses to disclose.
      const hidden = ['iat', 'nbf', 'exp', 'nonce', 'aud', 'holder', 'cnf'].find((claim) => JSON.stringify(claims[claim]) !== JSON.stringify(jws.payload[claim]));
      if (hidden) {
        report.fail('disclosures', `a disclosure carries ${hidden}, which cannot be selectively disclosable`);
        return report.result(null);
      }
    }
    const read = readJosePresentation(claims);
    if ('problem' in read) {
      report.fail('format', `${format}: ${read.problem}`);
      return report.result(null);
    }
    report.pass('format', format);
    report.pass('algorithm', alg);
    const { holder } = read;
    const presenterKey = await this.holderKey(report, signedJwt, jws.header.kid, holder, alg);
    if (!presenterKey) return report.result(null);
    const cnf = (claims.cnf as { jwk?: JWK } | undefined)?.jwk;
    let freshnessClaims = claims;
    if (format === 'vp+sd-jwt' && cnf) {
      // RFC 9901: a cnf key in the signed part means the key-binding JWT is what binds it to this relying party, now.
      const bound = await verifyKeyBinding(cnf, `${parts.slice(0, -1).join('~')}~`, parts.at(-1)!, { nonce: options.challenge, audience: options.domain });
      if ('problem' in bound) {
        report.fail('holder-binding', bound.problem);
        return report.result(null);
      }
      report.pass('holder-binding', `${holder}, key-bound by cnf`);
      freshnessClaims = bound.claims;
    } else {
      if (format === 'vp+sd-jwt' && parts.at(-1) !== '') report.fail('holder-binding', 'a key-binding JWT was presented but the presentation binds no key (cnf)');
      const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (options.challenge !== undefined && claims.nonce !== options.challenge) report.fail('holder-binding', 'the nonce is not the challenge');
      else if (options.domain !== undefined && !audience.includes(options.domain)) report.fail('holder-binding', 'the audience is not the domain');
      else report.pass('holder-binding', holder);
    }
    const verdict = presentationFreshness(freshnessClaims, options, { nowMs: Date.now(), skewSeconds: options.clockSkewSeconds }, format === 'vp+sd-jwt' && cnf !== undefined);
    if (!verdict.ok) report.fail('freshness', verdict.problem);
    else {
      report.pass('freshness', verdict.detail);
      if (verdict.waived) report.warn('freshness', verdict.waived);
    }
    const credentials = await verifyPresented(report, read.credentials, verifyCredential, holder, presenterKey, envelopedCredentialProblem);
    return report.result({ ...read.presentation, holder, verifiableCredential: credentials });
  }

  /** The holder's authentication key that signed the JWS (kid a DID URL of the holder, or its did:key / did:jwk), or undefined with the failure reported. */
  private async holderKey(report: PresentationReport, jws: string, kid: unknown, holder: string, alg: string): Promise<JWK | undefined> {
    const kidProblem = holderKidProblem(holder, kid);
    if (kidProblem) {
      report.fail('holder-binding', kidProblem);
      return undefined;
    }
    const resolved = await this.resolver.resolve(holder);
    const document = resolved.didDocument as unknown as DidDocumentView | null;
    if (!document || resolved.didDocumentMetadata.deactivated) {
      report.fail('holder-binding', `the holder ${holder} does not resolve to an active DID here`);
      return undefined;
    }
    const { kty, crv } = JWS_ALGORITHMS[alg]!;
    for (const method of methodsOf(document, 'authentication').filter((m) => kid === undefined || m.id === kid)) {
      const jwk = jwkOf(method);
      if (jwk && jwk.kty === kty && jwk.crv === crv && (await verifies(jws, jwk, alg))) return jwk;
    }
    report.fail('holder-binding', `the presentation is not signed (${alg}) by an authentication key of ${holder}${typeof kid === 'string' ? ` named ${kid}` : ''}`);
    return undefined;
  }
}

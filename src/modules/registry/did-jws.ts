import { Injectable } from '@nestjs/common';
import { compactVerify, importJWK, type JWK } from 'jose';
import { parseMultikey } from '../../domain/did/index.js';
import { ResolverService } from './resolver.service.js';

/** Only these algorithms, each bound to its key type: no `none`, no HMAC, no key confusion. */
export const JWS_ALGORITHMS: Readonly<Record<string, { kty: string; crv: string }>> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
};

export type VerificationMethod = { id: string; publicKeyJwk?: JWK; publicKeyMultibase?: string };
export type DidDocumentView = { id: string; verificationMethod?: VerificationMethod[]; assertionMethod?: (string | VerificationMethod)[]; authentication?: (string | VerificationMethod)[] };

/** Who signed a JWS, or which check failed and why. */
export type DidSignerResult = { readonly methodId: string } | { readonly check: 'issuer' | 'signature'; readonly problem: string };

const absolute = (document: DidDocumentView, id: string) => (id.startsWith('#') ? `${document.id}${id}` : id);

/** The verification methods a relationship (assertionMethod, authentication) lists, with absolute ids. */
export function methodsOf(document: DidDocumentView, relationship: 'assertionMethod' | 'authentication'): VerificationMethod[] {
  return (document[relationship] ?? [])
    .map((entry) => (typeof entry === 'object' ? entry : document.verificationMethod?.find((m) => absolute(document, m.id) === absolute(document, entry))))
    .filter((m): m is VerificationMethod => m !== undefined)
    .map((m) => ({ ...m, id: absolute(document, m.id) }));
}

/** The assertion method `kid` (a DID URL) of a document, if it is one. */
export function assertionMethod(document: DidDocumentView, kid: string): VerificationMethod | undefined {
  return methodsOf(document, 'assertionMethod').find((m) => m.id === kid);
}

/**
 * Verifies JWSs signed by a DID's assertion key as the DID was at signing time, from this
 * region's own ledger copy: credentials and status lists alike.
 */
@Injectable()
export class DidJwsVerifier {
  constructor(private readonly resolver: ResolverService) {}

  async verifyAssertion(jws: string, alg: string, did: string, kid: string | undefined, signedAtMs: number | undefined): Promise<DidSignerResult> {
    if (!JWS_ALGORITHMS[alg]) return { check: 'signature', problem: `alg ${alg} is not allowed` };
    if (!did.startsWith('did:') || (kid !== undefined && !kid.includes('#'))) {
      return { check: 'issuer', problem: 'the signer must be a DID: kid a DID URL naming the verification method, or the issuer a DID' };
    }
    const atSigning = await this.resolver.resolve(did, signedAtMs === undefined ? {} : { versionTime: new Date(signedAtMs).toISOString() });
    if (atSigning.didResolutionMetadata.error) {
      return { check: 'issuer', problem: `the issuer ${did} does not resolve from this region's ledger: ${String(atSigning.didResolutionMetadata.message ?? atSigning.didResolutionMetadata.error)}` };
    }
    const document = atSigning.didDocument as unknown as DidDocumentView;
    const candidates = kid ? [assertionMethod(document, kid)].filter((m) => m !== undefined) : methodsOf(document, 'assertionMethod');
    let mismatch: string | undefined;
    for (const method of candidates) {
      const jwk = jwkOf(method);
      if (!jwk) continue;
      if (jwk.kty !== JWS_ALGORITHMS[alg]!.kty || jwk.crv !== JWS_ALGORITHMS[alg]!.crv) {
        mismatch = `alg ${alg} does not match the ${String(jwk.crv ?? jwk.kty)} key of ${method.id}`;
        continue;
      }
      if (await verifies(jws, jwk, alg)) return { methodId: method.id };
    }
    return {
      check: 'signature',
      problem: candidates.length === 0 ? `${kid ?? did} is not an assertion method at the time of signing` : (kid && mismatch) || `the signature does not verify with ${kid ?? `any assertion method of ${did}`}`,
    };
  }
}

/** The public JWK of a verification method, whichever form it is in. */
export function jwkOf(method: VerificationMethod): JWK | undefined {
  try {
    return method.publicKeyJwk ?? (parseMultikey(method.publicKeyMultibase).jwk as JWK);
  } catch {
    return undefined;
  }
}

export async function verifies(jws: string, jwk: JWK, alg: string): Promise<boolean> {
  try {
    await compactVerify(jws, await importJWK(jwk, alg), { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

/** The protected header and JSON payload of a compact JWS, unverified; undefined when it is not one. */
export function decodeJws(jws: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const [header, payload, signature] = jws.split('.');
  if (header === undefined || payload === undefined || signature === undefined || jws.split('.').length !== 3) return undefined;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!h || typeof h !== 'object' || Array.isArray(h) || !p || typeof p !== 'object' || Array.isArray(p)) return undefined;
    return { header: h as Record<string, unknown>, payload: p as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

import { OAuthError } from './errors.js';

/** Signature algorithms accepted for key proofs and DPoP proofs (HAIP asks for ES256). */
export const PROOF_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export const DPOP_ALGORITHMS = ['ES256'] as const;

/** How far a proof's iat may be from the server's clock, in seconds. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * A key proof's header (OpenID4VCI §8.2.1.1): the key to bind travels as `jwk` (a DID or x5c
 * would leave nothing to bind `cnf.jwk` to here), and the algorithm is one we accept.
 */
export function checkProofHeader(header: { readonly alg?: unknown; readonly jwk?: unknown; readonly kid?: unknown; readonly x5c?: unknown }): void {
  if (!(PROOF_ALGORITHMS as readonly unknown[]).includes(header.alg)) throw new OAuthError('invalid_proof', `the proof's alg must be one of ${PROOF_ALGORITHMS.join(', ')}`);
  if (header.jwk === undefined || header.jwk === null || typeof header.jwk !== 'object') throw new OAuthError('invalid_proof', 'the proof must carry the key to bind in its jwk header');
  if (header.kid !== undefined || header.x5c !== undefined) throw new OAuthError('invalid_proof', 'the proof names its key with jwk only (no kid or x5c)');
  if ('d' in header.jwk) throw new OAuthError('invalid_proof', 'the proof jwk holds a private key');
}

/** A proof's (or DPoP proof's) iat: not in the future, not older than `maxAgeSeconds` (RFC 9449 §11.1). */
export function checkIssuedAt(iat: unknown, nowMs: number, maxAgeSeconds: number, code: 'invalid_proof' | 'invalid_dpop_proof'): void {
  const now = nowMs / 1000;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new OAuthError(code, 'the proof has no numeric iat');
  if (iat > now + CLOCK_SKEW_SECONDS) throw new OAuthError(code, 'the proof was issued in the future (iat)');
  if (iat < now - maxAgeSeconds - CLOCK_SKEW_SECONDS) throw new OAuthError(code, 'the proof is too old (iat)');
}

/**
 * The one c_nonce the proofs of a credential request carry (OpenID4VCI §7.2: every proof of a
 * batch names the same nonce from the nonce endpoint); none or differing ones are `invalid_nonce`.
 */
export function proofsNonce(payloads: readonly { readonly nonce?: unknown }[]): string {
  const nonces = new Set(payloads.map((p) => p.nonce));
  const [nonce] = [...nonces];
  if (nonces.size !== 1 || typeof nonce !== 'string' || nonce.length === 0) throw new OAuthError('invalid_nonce', 'every proof must carry the c_nonce from the nonce endpoint');
  return nonce;
}

/** The keys of a batch must differ: each credential is bound to its own key. */
export function checkDistinctKeys(thumbprints: readonly string[]): void {
  if (new Set(thumbprints).size !== thumbprints.length) throw new OAuthError('invalid_proof', 'the proofs of a batch must each prove a different key');
}

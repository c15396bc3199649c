import { createHash } from 'node:crypto';
import { hasHighS, normalizeLowS } from '../keys/ecdsa.js';

/**
 * Issuance anchors (docs/credentials.md): the issuing region appends the SHA-256 digests of
 * the credentials it issues to its own log, so a verifier can later tell a credential signed
 * while a key was in the issuer's document from one forged with that key after it left.
 */

/** At most this many digests in one `anchor` entry (about 12 KB of payload). */
export const MAX_ANCHOR_DIGESTS = 256;

const DIGEST = /^[A-Za-z0-9_-]{43}$/;

/**
 * base64url SHA-256 of the issuer-signed JWT: the whole token of a JWT format, the part before
 * the first `~` of an SD-JWT (disclosures and key binding are the holder's to choose). An ES256
 * signature counts in its low-S form, so the malleated twin (r, n − s) of a credential has the
 * same digest: one credential, one identity, whichever of the two signatures it carries.
 */
export function credentialDigest(token: string): string {
  const tilde = token.indexOf('~');
  const jws = tilde < 0 ? token : token.slice(0, tilde);
  return createHash('sha256').update(lowSForm(jws)).digest('base64url');
}

/** A compact JWS with its ES256 / ES384 signature in the low-S form; any other JWS as it is. */
function lowSForm(jws: string): string {
  const dot = jws.lastIndexOf('.');
  // hasHighS reads the header: true only for an ES256 / ES384 JWS whose s is high.
  return dot < 0 || !hasHighS(jws) ? jws : `${jws.slice(0, dot + 1)}${normalizeLowS(Buffer.from(jws.slice(dot + 1), 'base64url')).toString('base64url')}`;
}

/** The payload of an `anchor` entry. */
export interface AnchorPayload {
  readonly digests: readonly string[];
}

/** The digests of an `anchor` payload, or undefined when it is malformed (not 1…MAX distinct digests and nothing else). */
export function parseAnchorPayload(payload: unknown): string[] | undefined {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const keys = Object.keys(payload);
  const digests = (payload as { digests?: unknown }).digests;
  if (keys.length !== 1 || !Array.isArray(digests) || digests.length === 0 || digests.length > MAX_ANCHOR_DIGESTS) return undefined;
  if (!digests.every((d): d is string => typeof d === 'string' && DIGEST.test(d) && Buffer.from(d, 'base64url').toString('base64url') === d)) return undefined;
  return new Set(digests).size === digests.length ? digests : undefined;
}

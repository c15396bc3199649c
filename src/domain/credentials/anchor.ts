import { createHash } from 'node:crypto';
import { lowSForm, type JoseAlgorithm } from '../keys/ecdsa.js';

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
  return createHash('sha256').update(digestInput(token)).digest('base64url');
}

/**
 * The digest of a token just issued with `alg` (its header's), and the hex SHA-256 of the whole
 * token (what its record keeps): one hash where the two inputs are the same, as for a JWT
 * format. An EdDSA signature has no low-S form to take, so its header is not read again.
 */
export function issuedTokenHashes(token: string, alg: JoseAlgorithm): { digest: string; tokenHash: string } {
  const input = alg === 'EdDSA' ? issuerJws(token) : digestInput(token);
  const digest = createHash('sha256').update(input).digest();
  return { digest: digest.toString('base64url'), tokenHash: (input === token ? digest : createHash('sha256').update(token).digest()).toString('hex') };
}

/** The issuer-signed JWS of a token (before any `~`), its ECDSA signature in low-S form. */
function digestInput(token: string): string {
  return lowSForm(issuerJws(token));
}

function issuerJws(token: string): string {
  const tilde = token.indexOf('~');
  return tilde < 0 ? token : token.slice(0, tilde);
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

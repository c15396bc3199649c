import { sign, type KeyObject } from 'node:crypto';

/**
 * ECDSA P-256 signatures are malleable: (r, s) and (r, n − s) verify alike. Where a signature
 * is part of what gets hashed (DID operations, issued tokens and their anchors), a second valid
 * encoding would be a second identity, so only the low-S form (s ≤ n/2) is accepted, and every
 * signer here emits it.
 */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_ORDER = P256_ORDER >> 1n;

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes32 = (value: bigint): Buffer => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');

/** True when a 64-byte r‖s P-256 signature has s in the lower half of the group order. */
export function isLowS(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const s = toBigInt(signature.subarray(32));
  return s > 0n && s <= HALF_ORDER;
}

/** The signature's twin (r, n − s): the other encoding a verifier without this rule accepts. */
export function mirrorS(signature: Uint8Array): Buffer {
  if (signature.length !== 64) throw new RangeError('a P-256 signature is 64 bytes (r‖s)');
  const s = toBigInt(signature.subarray(32));
  return Buffer.concat([Buffer.from(signature.subarray(0, 32)), toBytes32(P256_ORDER - s)]);
}

/** The low-S form of a 64-byte r‖s signature (unchanged when it already is). */
export function normalizeLowS(signature: Uint8Array): Buffer {
  return isLowS(signature) ? Buffer.from(signature) : mirrorS(signature);
}

/** Signs with an Ed25519 key, or with a P-256 key as ES256 (r‖s, low-S): the JOSE signature bytes. */
export function signJoseBytes(alg: 'EdDSA' | 'ES256', data: Uint8Array, key: KeyObject): Buffer {
  if (alg === 'EdDSA') return sign(null, data, key);
  return normalizeLowS(sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }));
}

/** A compact JWS (RFC 7515) over `payload` with a low-S ES256 or an EdDSA signature. */
export function signCompactJws(header: Record<string, unknown> & { alg: 'EdDSA' | 'ES256' }, payload: Uint8Array | string, key: KeyObject): string {
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${signingInput}.${signJoseBytes(header.alg, Buffer.from(signingInput), key).toString('base64url')}`;
}

/** Whether a compact JWS is ES256 (by its header) with a high-S signature, the malleated twin of a low-S one. */
export function hasHighS(jws: string): boolean {
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(jws.slice(0, jws.indexOf('.')), 'base64url').toString('utf8')) as { alg?: unknown }).alg;
  } catch {
    return false;
  }
  const signature = Buffer.from(jws.slice(jws.lastIndexOf('.') + 1), 'base64url');
  return alg === 'ES256' && signature.length === 64 && !isLowS(signature);
}

/** The compact JWS with an ES256 signature in its low-S form; any other JWS as it is. */
export function lowSForm(jws: string): string {
  if (!hasHighS(jws)) return jws;
  const dot = jws.lastIndexOf('.');
  return `${jws.slice(0, dot + 1)}${mirrorS(Buffer.from(jws.slice(dot + 1), 'base64url')).toString('base64url')}`;
}

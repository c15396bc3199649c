import { sign, type KeyObject } from 'node:crypto';

/**
 * ECDSA signatures are malleable: (r, s) and (r, n − s) verify alike. Where a signature is part
 * of what gets hashed (DID operations, issued tokens and their anchors), a second valid encoding
 * would be a second identity, so only the low-S form (s ≤ n/2) is accepted, and every signer
 * here emits it. The rule is the same for ES256 (P-256) and ES384 (P-384): one operation, one
 * identity, whatever the curve.
 */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
export const P384_ORDER = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;

export type EcdsaAlgorithm = 'ES256' | 'ES384';
export type JoseAlgorithm = 'EdDSA' | EcdsaAlgorithm;

/** Each ECDSA algorithm with its curve, hash and r‖s scalar size (RFC 7518 section 3.4). */
export const ECDSA_CURVES: Readonly<Record<EcdsaAlgorithm, { crv: 'P-256' | 'P-384'; namedCurve: string; hash: string; size: number; order: bigint }>> = {
  ES256: { crv: 'P-256', namedCurve: 'prime256v1', hash: 'sha256', size: 32, order: P256_ORDER },
  ES384: { crv: 'P-384', namedCurve: 'secp384r1', hash: 'sha384', size: 48, order: P384_ORDER },
};

const toBigInt = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes = (value: bigint, size: number): Buffer => Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');

/** The curve of an r‖s signature, by its length: 64 bytes P-256, 96 bytes P-384. */
function curveOf(signature: Uint8Array): (typeof ECDSA_CURVES)[EcdsaAlgorithm] | undefined {
  return Object.values(ECDSA_CURVES).find((curve) => curve.size * 2 === signature.length);
}

/** True when an r‖s signature (64 bytes P-256, 96 bytes P-384) has s in the lower half of the group order. */
export function isLowS(signature: Uint8Array): boolean {
  const curve = curveOf(signature);
  if (!curve) return false;
  const s = toBigInt(signature.subarray(curve.size));
  return s > 0n && s <= curve.order >> 1n;
}

/** The signature's twin (r, n − s): the other encoding a verifier without this rule accepts. */
export function mirrorS(signature: Uint8Array): Buffer {
  const curve = curveOf(signature);
  if (!curve) throw new RangeError('an ECDSA signature is 64 (P-256) or 96 (P-384) bytes (r‖s)');
  const s = toBigInt(signature.subarray(curve.size));
  return Buffer.concat([Buffer.from(signature.subarray(0, curve.size)), toBytes(curve.order - s, curve.size)]);
}

/** The low-S form of an r‖s signature (unchanged when it already is). */
export function normalizeLowS(signature: Uint8Array): Buffer {
  return isLowS(signature) ? Buffer.from(signature) : mirrorS(signature);
}

/** Signs with an Ed25519 key, or with a P-256 / P-384 key as ES256 / ES384 (r‖s, low-S): the JOSE signature bytes. */
export function signJoseBytes(alg: JoseAlgorithm, data: Uint8Array, key: KeyObject): Buffer {
  if (alg === 'EdDSA') return sign(null, data, key);
  return normalizeLowS(sign(ECDSA_CURVES[alg].hash, data, { key, dsaEncoding: 'ieee-p1363' }));
}

/** A compact JWS (RFC 7515) over `payload` with a low-S ECDSA or an EdDSA signature. */
export function signCompactJws(header: Record<string, unknown> & { alg: JoseAlgorithm }, payload: Uint8Array | string, key: KeyObject): string {
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${signingInput}.${signJoseBytes(header.alg, Buffer.from(signingInput), key).toString('base64url')}`;
}

/**
 * Whether a compact JWS's ECDSA signature is high-S (the malleated twin of a low-S one). Judged
 * by the header's alg: an EdDSA signature is also 64 bytes, and its little-endian S read as an
 * ECDSA s would look high half the time.
 */
export function hasHighS(jws: string): boolean {
  let alg: unknown;
  try {
    alg = (JSON.parse(Buffer.from(jws.slice(0, jws.indexOf('.')), 'base64url').toString('utf8')) as { alg?: unknown }).alg;
  } catch {
    return false;
  }
  if (alg !== 'ES256' && alg !== 'ES384') return false;
  const signature = Buffer.from(jws.slice(jws.lastIndexOf('.') + 1), 'base64url');
  return signature.length === ECDSA_CURVES[alg].size * 2 && !isLowS(signature);
}

/** The compact JWS with an ES256 / ES384 signature in its low-S form; any other JWS as it is. */
export function lowSForm(jws: string): string {
  if (!hasHighS(jws)) return jws;
  const dot = jws.lastIndexOf('.');
  return `${jws.slice(0, dot + 1)}${normalizeLowS(Buffer.from(jws.slice(dot + 1), 'base64url')).toString('base64url')}`;
}

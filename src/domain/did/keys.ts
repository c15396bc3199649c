import { createPublicKey, ECDH, type JsonWebKey, type KeyObject } from 'node:crypto';
import { base58 } from '@scure/base';
import { InvalidKeyError } from '../errors.js';

export type KeyAlgorithm = 'EdDSA' | 'ES256' | 'ES384';

/** A public key as a did:isthmus operation uses it. */
export interface PublicKey {
  readonly alg: KeyAlgorithm;
  readonly publicKey: KeyObject;
  readonly jwk: PublicJwk;
  /** Multikey form: `z` + base58btc(multicodec ‖ key). */
  readonly multibase: string;
}

export type PublicJwk = { kty: 'OKP'; crv: 'Ed25519'; x: string } | { kty: 'EC'; crv: 'P-256' | 'P-384'; x: string; y: string };

/** Multicodec varints: ed25519-pub (0xed), p256-pub (0x1200) and p384-pub (0x1201). */
const ED25519 = [0xed, 0x01];
const P256 = [0x80, 0x24];
const P384 = [0x81, 0x24];

/** The NIST curves we take, with their algorithm, coordinate size, multicodec and OpenSSL name. */
const EC_CURVES = {
  'P-256': { alg: 'ES256', size: 32, codec: P256, openssl: 'prime256v1' },
  'P-384': { alg: 'ES384', size: 48, codec: P384, openssl: 'secp384r1' },
} as const;
type EcCurve = keyof typeof EC_CURVES;
const isEcCurve = (crv: unknown): crv is EcCurve => crv === 'P-256' || crv === 'P-384';
const B64URL = /^[A-Za-z0-9_-]+$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

function fromBase64url(value: unknown, bytes: number, what: string): Buffer {
  if (typeof value !== 'string' || !B64URL.test(value)) throw new InvalidKeyError(`${what} must be a base64url string`);
  const decoded = Buffer.from(value, 'base64url');
  if (decoded.length !== bytes || decoded.toString('base64url') !== value) {
    throw new InvalidKeyError(`${what} must be ${bytes} bytes of unpadded base64url; it decodes to ${decoded.length} bytes`);
  }
  return decoded;
}

// Ed25519 point decoding (RFC 8032 section 5.1.3): node:crypto imports any 32 bytes as an
// Ed25519 key, so the curve check and the small-order check are ours.
const FIELD = 2n ** 255n - 19n;
const mod = (a: bigint): bigint => ((a % FIELD) + FIELD) % FIELD;
function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % FIELD;
    b = (b * b) % FIELD;
  }
  return result;
}
const FIELD_MASK = (1n << 255n) - 1n;
/** x mod 2^255-19 for 0 <= x < 2^510, by folding the high half (2^255 = 19): no division. */
function reduce(x: bigint): bigint {
  x = (x & FIELD_MASK) + 19n * (x >> 255n);
  x = (x & FIELD_MASK) + 19n * (x >> 255n);
  return x >= FIELD ? x - FIELD : x;
}
function squareTimes(x: bigint, k: number): bigint {
  for (let i = 0; i < k; i++) x = reduce(x * x);
  return x;
}
/** x^((p-5)/8) = x^(2^252-3) by the addition chain of RFC 8032's reference code: 251 squarings, 11 products. */
function powP58(x: bigint): bigint {
  const x3 = reduce(reduce(x * x) * x);
  const x15 = reduce(squareTimes(x3, 2) * x3);
  const b5 = reduce(squareTimes(x15, 1) * x);
  const b10 = reduce(squareTimes(b5, 5) * b5);
  const b20 = reduce(squareTimes(b10, 10) * b10);
  const b40 = reduce(squareTimes(b20, 20) * b20);
  const b80 = reduce(squareTimes(b40, 40) * b40);
  const b160 = reduce(squareTimes(b80, 80) * b80);
  const b240 = reduce(squareTimes(b160, 80) * b80);
  const b250 = reduce(squareTimes(b240, 10) * b10);
  return reduce(squareTimes(b250, 2) * x);
}
const CURVE_D = mod(-121665n * power(121666n, FIELD - 2n));
const SQRT_M1 = power(2n, (FIELD - 1n) / 4n);

/** Why 32 bytes are not an acceptable Ed25519 public key, or null when they are. */
const ed25519PointProblem = (bytes: Uint8Array): string | null => decodeEd25519Point(bytes);

// Keys recur: in a create as rotation key and as verification method, in every operation of a
// chain, in every catch-up fold. A key found good is remembered with all its forms (bounded).
const goodKeys = new Map<string, PublicKey>();
const GOOD_KEYS_MAX = 8192;

function remembered(id: string, check: () => PublicKey): PublicKey {
  const known = goodKeys.get(id);
  if (known) return known;
  const key = check();
  if (goodKeys.size >= GOOD_KEYS_MAX) goodKeys.clear();
  goodKeys.set(id, key);
  return key;
}

function decodeEd25519Point(bytes: Uint8Array): string | null {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(bytes[i]!);
  const sign = y >> 255n;
  y &= (1n << 255n) - 1n;
  if (y >= FIELD) return 'its y coordinate is not below 2^255-19';
  const u = mod(y * y - 1n);
  const v = mod(CURVE_D * y * y + 1n);
  let x = mod(u * power(v, 3n) * powP58(mod(u * power(v, 7n))));
  const vx2 = mod(v * x * x);
  if (vx2 === mod(-u)) x = mod(x * SQRT_M1);
  else if (vx2 !== u) return 'it is not a point on the curve';
  if (x === 0n && sign === 1n) return 'it is not a canonical point encoding';
  // Small-order points (the 8-torsion) let one signature verify for many messages: [8]P = O?
  let [X, Y, Z] = [x, y, 1n];
  for (let i = 0; i < 3; i++) {
    const A = (X * X) % FIELD;
    const B = (Y * Y) % FIELD;
    const C = (2n * Z * Z) % FIELD;
    const E = mod((X + Y) * (X + Y) - A - B);
    const G = mod(B - A);
    const F = mod(G - C);
    const H = mod(-A - B);
    [X, Y, Z] = [(E * F) % FIELD, (G * H) % FIELD, (F * G) % FIELD];
  }
  return X === 0n ? 'it is a point of small order' : null;
}

/**
 * Checks a public JWK: Ed25519 (kty OKP), P-256 or P-384 (kty EC) only, no private members, the
 * right lengths, a real point on the curve. Returns the key in every form we use.
 */
export function validatePublicJwk(input: unknown): PublicKey {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new InvalidKeyError('publicKeyJwk must be a JSON object');
  const jwk = input as Record<string, unknown>;
  for (const member of PRIVATE_MEMBERS) {
    if (member in jwk) throw new InvalidKeyError(`publicKeyJwk must not contain the private member "${member}"`);
  }
  if (typeof jwk.x !== 'string' || (jwk.y !== undefined && typeof jwk.y !== 'string')) return checkPublicJwk(jwk);
  return remembered(`jwk ${String(jwk.kty)} ${String(jwk.crv)} ${jwk.x} ${String(jwk.y)}`, () => checkPublicJwk(jwk));
}

function checkPublicJwk(jwk: Record<string, unknown>): PublicKey {
  let clean: PublicJwk;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const problem = ed25519PointProblem(fromBase64url(jwk.x, 32, 'publicKeyJwk.x'));
    if (problem) throw new InvalidKeyError(`publicKeyJwk.x is not an Ed25519 public key: ${problem}`);
    clean = { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string };
  } else if (jwk.kty === 'EC' && isEcCurve(jwk.crv)) {
    const { size } = EC_CURVES[jwk.crv];
    fromBase64url(jwk.x, size, 'publicKeyJwk.x');
    fromBase64url(jwk.y, size, 'publicKeyJwk.y');
    clean = { kty: 'EC', crv: jwk.crv, x: jwk.x as string, y: jwk.y as string };
  } else {
    throw new InvalidKeyError(`publicKeyJwk must be an Ed25519 (kty OKP), P-256 or P-384 (kty EC) key; got kty ${String(jwk.kty)}, crv ${String(jwk.crv)}`);
  }
  let publicKey: KeyObject;
  try {
    // OpenSSL refuses EC coordinates that are not on the curve.
    publicKey = createPublicKey({ key: clean as JsonWebKey, format: 'jwk' });
  } catch {
    throw new InvalidKeyError(`publicKeyJwk is not a point on the ${clean.crv} curve`);
  }
  return toPublicKey(publicKey);
}

function toPublicKey(publicKey: KeyObject): PublicKey {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const raw = Buffer.from(jwk.x!, 'base64url');
    return { alg: 'EdDSA', publicKey, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, multibase: `z${base58.encode(new Uint8Array([...ED25519, ...raw]))}` };
  }
  if (jwk.kty === 'EC' && isEcCurve(jwk.crv)) {
    const { alg, codec } = EC_CURVES[jwk.crv];
    const x = Buffer.from(jwk.x!, 'base64url');
    const y = Buffer.from(jwk.y!, 'base64url');
    const compressed = [y[y.length - 1]! & 1 ? 3 : 2, ...x];
    return { alg, publicKey, jwk: { kty: 'EC', crv: jwk.crv, x: jwk.x!, y: jwk.y! }, multibase: `z${base58.encode(new Uint8Array([...codec, ...compressed]))}` };
  }
  throw new InvalidKeyError(`only Ed25519, P-256 and P-384 keys are supported; got ${publicKey.asymmetricKeyType}${jwk.crv ? ` ${jwk.crv}` : ''}`);
}

/** Decodes a Multikey `publicKeyMultibase` (Ed25519, or compressed P-256 / P-384). */
export function parseMultikey(multibase: unknown): PublicKey {
  if (typeof multibase !== 'string' || !multibase.startsWith('z')) throw new InvalidKeyError('publicKeyMultibase must be base58btc (a "z" prefix)');
  return remembered(`multikey ${multibase}`, () => decodeMultikey(multibase));
}

function decodeMultikey(multibase: string): PublicKey {
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(multibase.slice(1));
  } catch {
    throw new InvalidKeyError('publicKeyMultibase is not valid base58btc');
  }
  if (bytes[0] === ED25519[0] && bytes[1] === ED25519[1]) {
    if (bytes.length !== 34) throw new InvalidKeyError(`an Ed25519 Multikey holds 32 key bytes; this one holds ${bytes.length - 2}`);
    return validatePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes.subarray(2)).toString('base64url') });
  }
  for (const [crv, { size, codec, openssl }] of Object.entries(EC_CURVES) as [EcCurve, (typeof EC_CURVES)[EcCurve]][]) {
    if (bytes[0] !== codec[0] || bytes[1] !== codec[1]) continue;
    if (bytes.length !== size + 3 || (bytes[2] !== 2 && bytes[2] !== 3)) {
      throw new InvalidKeyError(`a ${crv} Multikey holds a ${size + 1}-byte compressed point (0x02 or 0x03, then x)`);
    }
    let point: Buffer;
    try {
      point = ECDH.convertKey(Buffer.from(bytes.subarray(2)), openssl, undefined, undefined, 'uncompressed') as Buffer;
    } catch {
      throw new InvalidKeyError(`publicKeyMultibase is not a point on the ${crv} curve`);
    }
    return validatePublicJwk({ kty: 'EC', crv, x: point.subarray(1, size + 1).toString('base64url'), y: point.subarray(size + 1).toString('base64url') });
  }
  throw new InvalidKeyError('publicKeyMultibase must be an Ed25519 (multicodec 0xed01), P-256 (0x8024) or P-384 (0x8124) Multikey');
}

/** BLS12-381 G2 public keys (bbs-2023): multicodec bls12_381-g2-pub (0xeb) and the 96-byte compressed point. */
const BLS12381_G2 = [0xeb, 0x01];

/**
 * A BLS12-381 G2 public key as a Multikey (docs/did-method.md): a key only for bbs-2023
 * Data Integrity proofs, never a JOSE signer. Its identity for key tenure is the thumbprint of
 * `{"kty":"OKP","crv":"Bls12381G2","x":<the 96 bytes>}`. The point is checked by the BBS library
 * when it verifies; here its encoding (length, compressed-point flag).
 */
export function parseBls12381G2Multikey(multibase: unknown): { multibase: string; jwk: { kty: 'OKP'; crv: 'Bls12381G2'; x: string } } {
  const bytes = base58btcBytes(multibase);
  if (!bytes || bytes[0] !== BLS12381_G2[0] || bytes[1] !== BLS12381_G2[1]) throw new InvalidKeyError('publicKeyMultibase is not a base58btc BLS12-381 G2 Multikey (multicodec 0xeb01)');
  // A compressed G2 point: 96 bytes, the compression flag (0x80) set.
  if (bytes.length !== 98 || (bytes[2]! & 0x80) === 0) throw new InvalidKeyError(`a BLS12-381 G2 Multikey holds a 96-byte compressed point; this one holds ${bytes.length - 2} bytes`);
  return { multibase: multibase as string, jwk: { kty: 'OKP', crv: 'Bls12381G2', x: Buffer.from(bytes.subarray(2)).toString('base64url') } };
}

/** The Multikey of a BLS12-381 G2 public key (96 bytes, compressed). */
export const bls12381G2Multikey = (publicKey: Uint8Array): string => `z${base58.encode(new Uint8Array([...BLS12381_G2, ...publicKey]))}`;

/** Whether a Multikey is a BLS12-381 G2 key (by its multicodec). */
export function isBls12381G2Multikey(multibase: unknown): boolean {
  const bytes = base58btcBytes(multibase);
  return bytes !== undefined && bytes[0] === BLS12381_G2[0] && bytes[1] === BLS12381_G2[1];
}

/** The bytes of a base58btc multibase string (`z…`), or undefined when it is not one. */
function base58btcBytes(multibase: unknown): Uint8Array | undefined {
  if (typeof multibase !== 'string' || !multibase.startsWith('z')) return undefined;
  try {
    return base58.decode(multibase.slice(1));
  } catch {
    return undefined;
  }
}

/** Parses `did:key:z…` (Ed25519, P-256 or P-384). */
export function parseDidKey(did: unknown): PublicKey {
  if (typeof did !== 'string' || !did.startsWith('did:key:')) throw new InvalidKeyError(`${JSON.stringify(did)} is not a did:key`);
  return parseMultikey(did.slice('did:key:'.length));
}

/** The did:key of an Ed25519, P-256 or P-384 key (a private KeyObject gives its public key's did:key). */
export function didKeyFromPublicKey(key: KeyObject | PublicJwk): string {
  const parsed = 'kty' in key ? validatePublicJwk(key) : toPublicKey(key.type === 'private' ? createPublicKey(key) : key);
  return `did:key:${parsed.multibase}`;
}

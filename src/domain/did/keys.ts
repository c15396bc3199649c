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
// Ed25519 key, so the curve check and the small-order check are ours. Neither needs x itself:
// y is on the curve iff x² = u/v (u = y²-1, v = d·y²+1) has a root, i.e. iff u·v is a square
// mod p (v is never 0: -1/d is not a square), which the Jacobi symbol tells without the 252-bit
// exponentiation of the square root; x = 0 iff u = 0; and the eight points of small order are
// known by their y alone.
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
const CURVE_D = mod(-121665n * power(121666n, FIELD - 2n));
/** y of a point of order 8 (the others: FIELD - Y8); with 0 (order 4) and ±1 (orders 1 and 2), the y of the whole 8-torsion. */
const Y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
const SMALL_ORDER_Y = new Set([0n, 1n, FIELD - 1n, Y8, FIELD - Y8]);

/** The Jacobi symbol (a/n) for odd n > 0, 0 ≤ a (binary algorithm, quadratic reciprocity). */
function jacobi(a: bigint, n: bigint): -1 | 0 | 1 {
  let t: -1 | 1 = 1;
  a %= n;
  while (a !== 0n) {
    while ((a & 1n) === 0n) {
      a >>= 1n;
      const r = n & 7n;
      if (r === 3n || r === 5n) t = t === 1 ? -1 : 1;
    }
    [a, n] = [n, a];
    if ((a & 3n) === 3n && (n & 3n) === 3n) t = t === 1 ? -1 : 1;
    a %= n;
  }
  return n === 1n ? t : 0;
}

/** Why 32 bytes are not an acceptable Ed25519 public key, or null when they are. */
export function ed25519PointProblem(bytes: Uint8Array): string | null {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(bytes[i]!);
  const sign = y >> 255n;
  y &= (1n << 255n) - 1n;
  if (y >= FIELD) return 'its y coordinate is not below 2^255-19';
  const y2 = (y * y) % FIELD;
  const u = mod(y2 - 1n);
  const v = (CURVE_D * y2 + 1n) % FIELD;
  if (jacobi((u * v) % FIELD, FIELD) === -1) return 'it is not a point on the curve';
  if (u === 0n && sign === 1n) return 'it is not a canonical point encoding';
  // Small-order points (the 8-torsion) let one signature verify for many messages.
  return SMALL_ORDER_Y.has(y) ? 'it is a point of small order' : null;
}

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

const jwkId = (kty: unknown, crv: unknown, x: string, y: unknown): string => `jwk ${String(kty)} ${String(crv)} ${x} ${String(y)}`;

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
  return remembered(jwkId(jwk.kty, jwk.crv, jwk.x, jwk.y), () => checkPublicJwk(jwk));
}

function checkPublicJwk(jwk: Record<string, unknown>, multibase?: string): PublicKey {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const raw = fromBase64url(jwk.x, 32, 'publicKeyJwk.x');
    const problem = ed25519PointProblem(raw);
    if (problem) throw new InvalidKeyError(`publicKeyJwk.x is not an Ed25519 public key: ${problem}`);
    return new Ed25519Key(jwk.x as string, raw, multibase);
  }
  if (jwk.kty === 'EC' && isEcCurve(jwk.crv)) {
    const { size } = EC_CURVES[jwk.crv];
    fromBase64url(jwk.x, size, 'publicKeyJwk.x');
    fromBase64url(jwk.y, size, 'publicKeyJwk.y');
    const clean: PublicJwk = { kty: 'EC', crv: jwk.crv, x: jwk.x as string, y: jwk.y as string };
    let publicKey: KeyObject;
    try {
      // OpenSSL refuses EC coordinates that are not on the curve.
      publicKey = createPublicKey({ key: clean as JsonWebKey, format: 'jwk' });
    } catch {
      throw new InvalidKeyError(`publicKeyJwk is not a point on the ${clean.crv} curve`);
    }
    return ecKey(publicKey, clean);
  }
  throw new InvalidKeyError(`publicKeyJwk must be an Ed25519 (kty OKP), P-256 or P-384 (kty EC) key; got kty ${String(jwk.kty)}, crv ${String(jwk.crv)}`);
}

/**
 * A checked Ed25519 key. Its KeyObject is made when a signature is first checked with it (a
 * document's keys mostly are not, here), its Multikey when first asked for (a key parsed from
 * one already has it).
 */
class Ed25519Key implements PublicKey {
  readonly alg = 'EdDSA';
  readonly jwk: PublicJwk;
  private keyObject: KeyObject | undefined;

  constructor(
    x: string,
    private readonly raw: Uint8Array,
    private encoded: string | undefined,
  ) {
    this.jwk = { kty: 'OKP', crv: 'Ed25519', x };
  }

  get publicKey(): KeyObject {
    return (this.keyObject ??= createPublicKey({ key: this.jwk as JsonWebKey, format: 'jwk' }));
  }

  get multibase(): string {
    return (this.encoded ??= `z${base58.encode(new Uint8Array([...ED25519, ...this.raw]))}`);
  }
}

/** A P-256 or P-384 key in every form, from its KeyObject and clean JWK (x, y of the curve's size). */
function ecKey(publicKey: KeyObject, jwk: PublicJwk & { kty: 'EC' }): PublicKey {
  const { alg, codec } = EC_CURVES[jwk.crv];
  const x = Buffer.from(jwk.x, 'base64url');
  const y = Buffer.from(jwk.y, 'base64url');
  const compressed = [y[y.length - 1]! & 1 ? 3 : 2, ...x];
  return { alg, publicKey, jwk, multibase: `z${base58.encode(new Uint8Array([...codec, ...compressed]))}` };
}

function toPublicKey(publicKey: KeyObject): PublicKey {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return new Ed25519Key(jwk.x!, Buffer.from(jwk.x!, 'base64url'), undefined);
  if (jwk.kty === 'EC' && isEcCurve(jwk.crv)) return ecKey(publicKey, { kty: 'EC', crv: jwk.crv, x: jwk.x!, y: jwk.y! });
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
    const x = Buffer.from(bytes.subarray(2)).toString('base64url');
    return remembered(jwkId('OKP', 'Ed25519', x, undefined), () => checkPublicJwk({ kty: 'OKP', crv: 'Ed25519', x }, multibase));
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

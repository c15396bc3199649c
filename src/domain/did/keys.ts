import { createPublicKey, ECDH, type JsonWebKey, type KeyObject } from 'node:crypto';
import { base58 } from '@scure/base';
import { InvalidKeyError } from '../errors.js';

export type KeyAlgorithm = 'EdDSA' | 'ES256';

/** A public key as a did:isthmus operation uses it. */
export interface PublicKey {
  readonly alg: KeyAlgorithm;
  readonly publicKey: KeyObject;
  readonly jwk: PublicJwk;
  /** Multikey form: `z` + base58btc(multicodec ‖ key). */
  readonly multibase: string;
}

export type PublicJwk = { kty: 'OKP'; crv: 'Ed25519'; x: string } | { kty: 'EC'; crv: 'P-256'; x: string; y: string };

const ED25519 = [0xed, 0x01];
const P256 = [0x80, 0x24];
const B64URL = /^[A-Za-z0-9_-]+$/;

function fromBase64url(value: unknown, bytes: number, what: string): Buffer {
  if (typeof value !== 'string' || !B64URL.test(value)) throw new InvalidKeyError(`${what} must be base64url`);
  const decoded = Buffer.from(value, 'base64url');
  if (decoded.length !== bytes || decoded.toString('base64url') !== value) throw new InvalidKeyError(`${what} must be ${bytes} bytes of unpadded base64url`);
  return decoded;
}

/** Checks a public JWK: Ed25519 or P-256 only, no private members, a real point on the curve. */
export function validatePublicJwk(input: unknown): PublicKey {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new InvalidKeyError('publicKeyJwk must be a JSON object');
  const jwk = input as Record<string, unknown>;
  for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
    if (member in jwk) throw new InvalidKeyError(`publicKeyJwk must not contain the private member "${member}"`);
  }
  let clean: PublicJwk;
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    fromBase64url(jwk.x, 32, 'publicKeyJwk.x');
    clean = { kty: 'OKP', crv: 'Ed25519', x: jwk.x as string };
  } else if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    fromBase64url(jwk.x, 32, 'publicKeyJwk.x');
    fromBase64url(jwk.y, 32, 'publicKeyJwk.y');
    clean = { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string };
  } else {
    throw new InvalidKeyError(`publicKeyJwk must be an Ed25519 (kty OKP) or P-256 (kty EC) key; got kty ${String(jwk.kty)} crv ${String(jwk.crv)}`);
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: clean as JsonWebKey, format: 'jwk' });
  } catch {
    throw new InvalidKeyError('publicKeyJwk is not a point on its curve');
  }
  return toPublicKey(publicKey);
}

function toPublicKey(publicKey: KeyObject): PublicKey {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  if (jwk.crv === 'Ed25519') {
    const raw = Buffer.from(jwk.x!, 'base64url');
    return { alg: 'EdDSA', publicKey, jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x! }, multibase: `z${base58.encode(new Uint8Array([...ED25519, ...raw]))}` };
  }
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  const compressed = [y[31]! & 1 ? 3 : 2, ...x];
  return { alg: 'ES256', publicKey, jwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! }, multibase: `z${base58.encode(new Uint8Array([...P256, ...compressed]))}` };
}

/** Decodes a Multikey `publicKeyMultibase` (Ed25519 or compressed P-256). */
export function parseMultikey(multibase: unknown): PublicKey {
  if (typeof multibase !== 'string' || !multibase.startsWith('z')) throw new InvalidKeyError('publicKeyMultibase must be base58btc (a "z" prefix)');
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(multibase.slice(1));
  } catch {
    throw new InvalidKeyError('publicKeyMultibase is not valid base58btc');
  }
  if (bytes.length === 34 && bytes[0] === ED25519[0] && bytes[1] === ED25519[1]) {
    return validatePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes.subarray(2)).toString('base64url') });
  }
  if (bytes.length === 35 && bytes[0] === P256[0] && bytes[1] === P256[1]) {
    let point: Buffer;
    try {
      point = ECDH.convertKey(Buffer.from(bytes.subarray(2)), 'prime256v1', undefined, undefined, 'uncompressed') as Buffer;
    } catch {
      throw new InvalidKeyError('publicKeyMultibase is not a point on P-256');
    }
    return validatePublicJwk({ kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') });
  }
  throw new InvalidKeyError('publicKeyMultibase must be an Ed25519 (0xed01) or P-256 (0x8024) Multikey');
}

/** Parses `did:key:z…` (Ed25519 or P-256). */
export function parseDidKey(did: unknown): PublicKey {
  if (typeof did !== 'string' || !did.startsWith('did:key:')) throw new InvalidKeyError(`${String(did)} is not a did:key`);
  return parseMultikey(did.slice('did:key:'.length));
}

export function didKeyFromPublicKey(key: KeyObject | PublicJwk): string {
  const parsed = 'kty' in key ? validatePublicJwk(key) : toPublicKey(key);
  return `did:key:${parsed.multibase}`;
}

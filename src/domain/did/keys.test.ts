import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { base58 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { ed25519DidKey, p256DidKey } from '../../../test/support/independent.js';
import { InvalidKeyError } from '../errors.js';
import { ed25519FromSeed } from '../keys/ed25519.js';
import fc from 'fast-check';
import { bls12381G2Multikey, didKeyFromPublicKey, ed25519PointProblem, isBls12381G2Multikey, parseBls12381G2Multikey, parseDidKey, parseMultikey, validatePublicJwk } from './keys.js';

const vectors = JSON.parse(readFileSync(new URL('../../../test/vectors/did/did-key.json', import.meta.url), 'utf8')) as {
  ed25519: { seedHex: string; did: string; publicKeyBase58: string }[];
  p256: { did: string; publicKeyJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string }; d: string }[];
  p384: string[];
  unsupported: string[];
};
const ed25519FromHex = (hex: string) => ed25519FromSeed(Buffer.from(hex, 'hex'));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('did:key (the did:key method test vectors)', () => {
  it.each(vectors.ed25519)('Ed25519 $did', ({ seedHex, did, publicKeyBase58 }) => {
    const key = ed25519FromHex(seedHex);
    expect(didKeyFromPublicKey(key)).toBe(did);
    expect(didKeyFromPublicKey(createPublicKey(key))).toBe(did);
    const parsed = parseDidKey(did);
    expect(parsed.alg).toBe('EdDSA');
    expect(parsed.jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: b64(base58.decode(publicKeyBase58)) });
    expect(parsed.multibase).toBe(did.slice('did:key:'.length));
  });

  it.each(vectors.p256)('P-256 $did', ({ did, publicKeyJwk, d }) => {
    expect(didKeyFromPublicKey(publicKeyJwk)).toBe(did);
    expect(didKeyFromPublicKey(createPrivateKey({ key: { ...publicKeyJwk, d }, format: 'jwk' }))).toBe(did);
    const parsed = parseDidKey(did);
    expect(parsed.alg).toBe('ES256');
    expect(parsed.jwk).toEqual(publicKeyJwk);
    expect(parsed.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it.each(vectors.unsupported)('refuses %s (not Ed25519, P-256 or P-384)', (did) => {
    expect(() => parseDidKey(did)).toThrow(/must be an Ed25519 \(multicodec 0xed01\), P-256 \(0x8024\) or P-384 \(0x8124\)/);
  });

  it.each(vectors.p384)('P-384 %s (multicodec p384-pub 0x1201)', (did) => {
    const key = parseDidKey(did);
    expect(key.alg).toBe('ES384');
    expect(key.jwk.crv).toBe('P-384');
    expect(didKeyFromPublicKey(key.jwk)).toBe(did);
    expect(didKeyFromPublicKey(key.publicKey)).toBe(did);
  });

  it('agrees with an independent encoder on random keys', () => {
    for (let i = 0; i < 20; i++) {
      const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
      expect(didKeyFromPublicKey({ kty: 'OKP', crv: 'Ed25519', x: ed.x! })).toBe(ed25519DidKey(Buffer.from(ed.x!, 'base64url')));
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      const did = p256DidKey(Buffer.from(ec.x!, 'base64url'), Buffer.from(ec.y!, 'base64url'));
      expect(didKeyFromPublicKey({ kty: 'EC', crv: 'P-256', x: ec.x!, y: ec.y! })).toBe(did);
      expect(parseDidKey(did).jwk).toEqual({ kty: 'EC', crv: 'P-256', x: ec.x, y: ec.y });
    }
  });

  it('refuses keys of other types and malformed did:keys, saying why', () => {
    expect(() => didKeyFromPublicKey(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey)).toThrow(/only Ed25519, P-256 and P-384 keys.*secp256k1/);
    expect(() => didKeyFromPublicKey(generateKeyPairSync('x25519').publicKey)).toThrow(InvalidKeyError);
    expect(() => parseDidKey('did:web:example.com')).toThrow(/is not a did:key/);
    expect(() => parseDidKey(42)).toThrow(InvalidKeyError);
    expect(() => parseMultikey('uAAAA')).toThrow(/"z" prefix/);
    expect(() => parseMultikey('z0OIl')).toThrow(/not valid base58btc/);
    expect(() => parseMultikey(`z${base58.encode(new Uint8Array([0xed, 0x01, 1, 2, 3]))}`)).toThrow(/holds 32 key bytes; this one holds 3/);
    expect(() => parseMultikey(`z${base58.encode(new Uint8Array([0x80, 0x24, 4, ...new Uint8Array(32)]))}`)).toThrow(/33-byte compressed point/);
    // x = 1 has no y on P-256
    const off = new Uint8Array(33);
    off[0] = 2;
    off[32] = 1;
    expect(() => parseMultikey(`z${base58.encode(new Uint8Array([0x80, 0x24, ...off]))}`)).toThrow(/not a point on the P-256 curve/);
  });
});

describe('validatePublicJwk', () => {
  const p256 = vectors.p256[0]!.publicKeyJwk;
  const ed = { kty: 'OKP', crv: 'Ed25519', x: b64(base58.decode(vectors.ed25519[0]!.publicKeyBase58)) };

  it('accepts Ed25519 and P-256 public keys and returns their clean form', () => {
    expect(validatePublicJwk({ ...ed, kid: 'k', alg: 'EdDSA' }).jwk).toEqual(ed);
    expect(validatePublicJwk(p256).multibase).toBe(vectors.p256[0]!.did.slice(8));
  });

  it.each<[string, unknown, RegExp]>([
    ['a non-object', 'x', /must be a JSON object/],
    ['an array', [], /must be a JSON object/],
    ['a private key (d)', { ...p256, d: vectors.p256[0]!.d }, /private member "d"/],
    ['an Ed25519 private key', { ...ed, d: 'AAAA' }, /private member "d"/],
    ['a symmetric key', { kty: 'oct', k: 'AAAA' }, /private member "k"/],
    ['an RSA key', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }, /Ed25519 \(kty OKP\), P-256 or P-384 \(kty EC\).*got kty RSA/],
    ['secp256k1', { kty: 'EC', crv: 'secp256k1', x: p256.x, y: p256.y }, /got kty EC, crv secp256k1/],
    ['X25519', { kty: 'OKP', crv: 'X25519', x: ed.x }, /crv X25519/],
    ['a short Ed25519 x', { ...ed, x: 'AAAA' }, /32 bytes of unpadded base64url; it decodes to 3 bytes/],
    ['a padded x', { ...ed, x: `${ed.x}=` }, /base64url/],
    ['a missing y', { kty: 'EC', crv: 'P-256', x: p256.x }, /publicKeyJwk.y must be a base64url string/],
    ['a long P-256 y', { ...p256, y: b64(new Uint8Array(33)) }, /publicKeyJwk.y must be 32 bytes/],
    ['a P-256 point off the curve', { ...p256, y: b64(Buffer.from(p256.y, 'base64url').map((b, i) => (i === 31 ? b ^ 1 : b))) }, /not a point on the P-256 curve/],
    ['an Ed25519 y that is not on the curve', { ...ed, x: b64(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 2 : 0))) }, /not a point on the curve/],
    ['an Ed25519 y at or above the field prime', { ...ed, x: b64(new Uint8Array(32).fill(0xff)) }, /not below 2\^255-19/],
    ['the Ed25519 identity (small order)', { ...ed, x: b64(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0))) }, /small order/],
    ['an Ed25519 point of order 8', { ...ed, x: b64(Buffer.from('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 'hex')) }, /small order/],
  ])('refuses %s', (_, jwk, message) => {
    expect(() => validatePublicJwk(jwk)).toThrow(InvalidKeyError);
    expect(() => validatePublicJwk(jwk)).toThrow(message);
  });

  it('does not change its argument', () => {
    const input = { ...p256, kid: 'x' };
    const copy = structuredClone(input);
    validatePublicJwk(input);
    expect(input).toEqual(copy);
  });
});

describe('the Ed25519 curve check', () => {
  // An independent reading of RFC 8032 5.1.3: y decodes iff (y²-1)/(d·y²+1) is a square mod p
  // (Euler's criterion), computed with plain modular exponentiation.
  const p = 2n ** 255n - 19n;
  const modPow = (b: bigint, e: bigint): bigint => {
    let r = 1n;
    for (b %= p; e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) r = (r * b) % p;
    return r;
  };
  const d = (((-121665n * modPow(121666n, p - 2n)) % p) + p) % p;
  const onCurve = (bytes: Uint8Array): boolean => {
    const y = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`) & ((1n << 255n) - 1n);
    if (y >= p) return false;
    const u = (((y * y - 1n) % p) + p) % p;
    const v = (d * y * y + 1n) % p;
    const ratio = (u * modPow(v, p - 2n)) % p;
    return ratio === 0n || modPow(ratio, (p - 1n) / 2n) === 1n;
  };
  const jwkOf = (bytes: Uint8Array) => ({ kty: 'OKP', crv: 'Ed25519', x: b64(bytes) });

  it('accepts every key node:crypto generates', () => {
    for (let i = 0; i < 50; i++) {
      const x = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
      expect(() => validatePublicJwk({ kty: 'OKP', crv: 'Ed25519', x })).not.toThrow();
    }
  });

  it('agrees with Euler’s criterion on random encodings', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: 32 }, () => Math.floor(Math.random() * 256));
      bytes[31]! &= 0x7f; // sign bit clear: the x = 0 corner is the small-order check's
      let verdict: 'accepted' | string;
      try {
        validatePublicJwk(jwkOf(bytes));
        verdict = 'accepted';
      } catch (error) {
        verdict = (error as Error).message;
      }
      if (onCurve(bytes)) expect(verdict === 'accepted' || /small order/.test(verdict)).toBe(true);
      else expect(verdict).toMatch(/not a point on the curve|not below/);
    }
  });
});

describe('the Ed25519 point check against RFC 8032 decoding', () => {
  // The check as it was: x by the square root of RFC 8032 5.1.3, then [8]P = O by three doublings.
  const p = 2n ** 255n - 19n;
  const mod = (a: bigint) => ((a % p) + p) % p;
  const modPow = (b: bigint, e: bigint): bigint => {
    let r = 1n;
    for (b = mod(b); e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) r = (r * b) % p;
    return r;
  };
  const d = mod(-121665n * modPow(121666n, p - 2n));
  const sqrtM1 = modPow(2n, (p - 1n) / 4n);
  function reference(bytes: Uint8Array): string | null {
    let y = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
    const sign = y >> 255n;
    y &= (1n << 255n) - 1n;
    if (y >= p) return 'its y coordinate is not below 2^255-19';
    const u = mod(y * y - 1n);
    const v = mod(d * y * y + 1n);
    let x = mod(u * modPow(v, 3n) * modPow(mod(u * modPow(v, 7n)), (p - 5n) / 8n));
    const vx2 = mod(v * x * x);
    if (vx2 === mod(-u)) x = mod(x * sqrtM1);
    else if (vx2 !== u) return 'it is not a point on the curve';
    if (x === 0n && sign === 1n) return 'it is not a canonical point encoding';
    let [X, Y, Z] = [x, y, 1n];
    for (let i = 0; i < 3; i++) {
      const A = mod(X * X);
      const B = mod(Y * Y);
      const C = mod(2n * Z * Z);
      const E = mod((X + Y) * (X + Y) - A - B);
      const G = mod(B - A);
      const F = mod(G - C);
      const H = mod(-A - B);
      [X, Y, Z] = [mod(E * F), mod(G * H), mod(F * G)];
    }
    return X === 0n ? 'it is a point of small order' : null;
  }
  const encode = (y: bigint, sign: number) => {
    const bytes = Buffer.from(y.toString(16).padStart(64, '0'), 'hex').reverse();
    bytes[31]! |= sign << 7;
    return new Uint8Array(bytes);
  };

  it('gives the verdict of the square root and three doublings on any 32 bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(ed25519PointProblem(bytes)).toBe(reference(bytes));
      }), { numRuns: 3000 });
  });

  it('gives it at the corners: every y of the 8-torsion, ±1, 0 and the values at and above p, both signs', () => {
    const y8 = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;
    const corners = [0n, 1n, 2n, p - 1n, p - 2n, y8, p - y8, p, p + 1n, 2n ** 255n - 1n, sqrtM1, p - sqrtM1];
    for (const y of corners) for (const sign of [0, 1]) expect(ed25519PointProblem(encode(y, sign))).toBe(reference(encode(y, sign)));
    expect(reference(encode(y8, 0))).toBe('it is a point of small order');
    expect(reference(encode(p - y8, 1))).toBe('it is a point of small order');
  });

  it('accepts the points of generated keys and refuses their small-order twins', () => {
    for (let i = 0; i < 50; i++) {
      const raw = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!, 'base64url');
      expect(ed25519PointProblem(raw)).toBeNull();
      expect(reference(raw)).toBeNull();
    }
  });
});

describe('P-384 keys (ES384): JWK, Multikey p384-pub (0x1201), did:key', () => {
  it('round-trips generated keys through did:key and the JWK, with alg ES384 and the z82L prefix', () => {
    for (let i = 0; i < 20; i++) {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      const jwk = publicKey.export({ format: 'jwk' }) as { kty: 'EC'; crv: 'P-384'; x: string; y: string };
      const did = didKeyFromPublicKey(publicKey);
      // multicodec varint 0x81 0x24, then the 49-byte compressed point
      const bytes = base58.decode(did.slice('did:key:z'.length));
      expect([...bytes.subarray(0, 2)]).toEqual([0x81, 0x24]);
      expect(bytes.length).toBe(51);
      expect(Buffer.from(bytes.subarray(3)).toString('base64url')).toBe(jwk.x);
      expect(bytes[2]).toBe(Buffer.from(jwk.y, 'base64url')[47]! & 1 ? 3 : 2);
      expect(did.startsWith('did:key:z82L')).toBe(true);
      const parsed = parseDidKey(did);
      expect(parsed.alg).toBe('ES384');
      expect(parsed.jwk).toEqual({ kty: 'EC', crv: 'P-384', x: jwk.x, y: jwk.y });
      expect(validatePublicJwk(jwk).multibase).toBe(did.slice(8));
    }
  });

  it('refuses P-384 keys of the wrong size or off the curve', () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }) as { x: string; y: string };
    expect(() => validatePublicJwk({ kty: 'EC', crv: 'P-384', x: jwk.x, y: b64(new Uint8Array(32)) })).toThrow(/publicKeyJwk.y must be 48 bytes/);
    const y = Buffer.from(jwk.y, 'base64url');
    y[47]! ^= 1;
    expect(() => validatePublicJwk({ kty: 'EC', crv: 'P-384', x: jwk.x, y: b64(y) })).toThrow(/not a point on the P-384 curve/);
    // A P-256-sized key labelled P-384 (and the reverse) is refused by length, not reinterpreted.
    const p256 = vectors.p256[0]!.publicKeyJwk;
    expect(() => validatePublicJwk({ ...p256, crv: 'P-384' })).toThrow(/48 bytes/);
    expect(() => validatePublicJwk({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y })).toThrow(/32 bytes/);
    expect(() => parseMultikey(`z${base58.encode(new Uint8Array([0x81, 0x24, 4, ...new Uint8Array(48)]))}`)).toThrow(/49-byte compressed point/);
    // an x at or above the field prime is no point
    expect(() => parseMultikey(`z${base58.encode(new Uint8Array([0x81, 0x24, 2, ...new Uint8Array(48).fill(0xff)]))}`)).toThrow(/not a point on the P-384 curve/);
  });
});

describe('BLS12-381 G2 Multikeys (bbs-2023)', () => {
  const point = Buffer.alloc(96, 0x11);
  point[0] = 0xa1; // the compression flag set
  const multibase = bls12381G2Multikey(point);

  it('round-trip, with the thumbprint form key tenure uses', () => {
    expect(isBls12381G2Multikey(multibase)).toBe(true);
    expect(isBls12381G2Multikey('z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')).toBe(false);
    expect(parseBls12381G2Multikey(multibase)).toEqual({ multibase, jwk: { kty: 'OKP', crv: 'Bls12381G2', x: point.toString('base64url') } });
  });

  it('are refused when not a 96-byte compressed point, and are never JOSE keys', () => {
    expect(() => parseBls12381G2Multikey(`z${base58.encode(new Uint8Array([0xeb, 0x01, ...point.subarray(0, 48)]))}`)).toThrow(/96-byte compressed point/);
    expect(() => parseBls12381G2Multikey(bls12381G2Multikey(Buffer.alloc(96)))).toThrow(/compressed point/);
    expect(() => parseMultikey(multibase)).toThrow(InvalidKeyError);
  });
});

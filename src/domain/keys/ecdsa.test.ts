import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { p256Key } from '../../../test/support/did-fixtures.js';
import { hasHighS, isLowS, mirrorS, normalizeLowS, P256_ORDER, P384_ORDER, signCompactJws, signJoseBytes } from './ecdsa.js';

const data = Buffer.from('one operation, one identity');
const sOf = (signature: Uint8Array) => BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);

describe('low-S ECDSA (P-256)', () => {
  it('our signer never emits high-S, over many signatures, and each one verifies', () => {
    const publicKey = createPublicKey(p256Key);
    for (let i = 0; i < 400; i++) {
      const signature = signJoseBytes('ES256', data, p256Key);
      expect(isLowS(signature)).toBe(true);
      expect(sOf(signature) <= P256_ORDER / 2n).toBe(true);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    }
  });

  it('the twin (r, n − s) verifies with plain ECDSA, is high-S, and normalizes back', () => {
    const publicKey = createPublicKey(p256Key);
    const low = signJoseBytes('ES256', data, p256Key);
    const twin = mirrorS(low);
    expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, twin)).toBe(true);
    expect(isLowS(twin)).toBe(false);
    expect(normalizeLowS(twin).equals(low)).toBe(true);
    expect(normalizeLowS(low).equals(low)).toBe(true);
    expect(isLowS(Buffer.alloc(64))).toBe(false);
    expect(isLowS(Buffer.alloc(63, 1))).toBe(false);
  });

  it('signs compact JWSs that jose verifies, and spots a high-S twin', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jws = signCompactJws({ alg: 'ES256', typ: 'vc+jwt' }, '{"a":1}', privateKey);
    const { payload } = await compactVerify(jws, await importJWK(publicKey.export({ format: 'jwk' }), 'ES256'));
    expect(new TextDecoder().decode(payload)).toBe('{"a":1}');
    expect(hasHighS(jws)).toBe(false);
    const [h, p, s] = jws.split('.');
    const twin = `${h}.${p}.${mirrorS(Buffer.from(s!, 'base64url')).toString('base64url')}`;
    await compactVerify(twin, await importJWK(publicKey.export({ format: 'jwk' }), 'ES256')); // jose accepts it: the rule is ours
    expect(hasHighS(twin)).toBe(true);
    const ed = generateKeyPairSync('ed25519');
    // an EdDSA signature is 64 bytes too; its S is little-endian and reads as "high" half the time
    for (let i = 0; i < 64; i++) expect(hasHighS(signCompactJws({ alg: 'EdDSA' }, `x${i}`, ed.privateKey))).toBe(false);
  });
});

describe('low-S ECDSA (P-384, ES384): the same rule as ES256', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const s384 = (signature: Uint8Array) => BigInt(`0x${Buffer.from(signature.subarray(48)).toString('hex')}`);

  it('emits 96-byte low-S r‖s signatures over SHA-384 that verify, and their twins are high-S', () => {
    for (let i = 0; i < 200; i++) {
      const signature = signJoseBytes('ES384', data, privateKey);
      expect(signature.length).toBe(96);
      expect(isLowS(signature)).toBe(true);
      expect(s384(signature) <= P384_ORDER / 2n).toBe(true);
      expect(verify('sha384', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      const twin = mirrorS(signature);
      expect(verify('sha384', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, twin)).toBe(true);
      expect(isLowS(twin)).toBe(false);
      expect(normalizeLowS(twin).equals(signature)).toBe(true);
    }
  });

  it('signs ES384 compact JWSs that jose verifies with the P-384 key, and with no other algorithm', async () => {
    const jws = signCompactJws({ alg: 'ES384', typ: 'vc+jwt' }, '{"a":1}', privateKey);
    const jwk = publicKey.export({ format: 'jwk' });
    await compactVerify(jws, await importJWK(jwk, 'ES384'), { algorithms: ['ES384'] });
    await expect(importJWK(jwk, 'ES256')).rejects.toThrow(/crv/);
    expect(hasHighS(jws)).toBe(false);
    const [h, p, s] = jws.split('.');
    expect(hasHighS(`${h}.${p}.${mirrorS(Buffer.from(s!, 'base64url')).toString('base64url')}`)).toBe(true);
  });
});

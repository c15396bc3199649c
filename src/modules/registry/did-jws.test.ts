import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { mirrorS, signCompactJws, signJoseBytes, type JoseAlgorithm } from '../../domain/keys/ecdsa.js';
import { verifies } from './did-jws.js';

/** What jose alone says of a JWS: the verdict `verifies` must give, whichever path decides it. */
async function joseVerdict(jws: string, jwk: JWK, alg: string): Promise<boolean> {
  try {
    await compactVerify(jws, await importJWK(jwk, alg), { algorithms: [alg] });
    return true;
  } catch {
    return false;
  }
}

const keys = {
  EdDSA: generateKeyPairSync('ed25519'),
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
};
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ~';

describe('verifies (node:crypto where it decides as jose would, jose otherwise)', () => {
  for (const alg of ['EdDSA', 'ES256', 'ES384'] as JoseAlgorithm[]) {
    const jwk = keys[alg].publicKey.export({ format: 'jwk' }) as JWK;
    const headers = [{ alg }, { alg, typ: 'vc+jwt' }, { alg, crit: ['exp'], exp: 1 }, { alg, b64: false, crit: ['b64'] }, { alg: alg === 'EdDSA' ? 'ES256' : 'EdDSA' }, { typ: 'JWT' }];
    it(`${alg}: the same verdict as jose for signed, altered and odd tokens`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...headers), fc.string({ maxLength: 40 }), fc.nat(), fc.constantFrom(...ALPHABET), fc.boolean(), async (header, payload, at, char, mutate) => {
          // Signed by the key whatever the header says (a header may name another alg, or none).
          const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify({ payload })).toString('base64url')}`;
          let jws = `${input}.${signJoseBytes(alg, Buffer.from(input), keys[alg].privateKey).toString('base64url')}`;
          if (mutate) {
            const i = at % jws.length;
            jws = jws.slice(0, i) + char + jws.slice(i + 1);
          }
          expect(await verifies(jws, jwk, alg)).toBe(await joseVerdict(jws, jwk, alg));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('accepts what it signed and refuses the other key, a high-S twin as jose does, and a JWK with private or extra members goes to jose', async () => {
    const jws = signCompactJws({ alg: 'ES256' }, '{"a":1}', keys.ES256.privateKey);
    const jwk = keys.ES256.publicKey.export({ format: 'jwk' }) as JWK;
    expect(await verifies(jws, jwk, 'ES256')).toBe(true);
    const [h, p, s] = jws.split('.');
    const twin = `${h}.${p}.${mirrorS(Buffer.from(s!, 'base64url')).toString('base64url')}`;
    expect(await verifies(twin, jwk, 'ES256')).toBe(await joseVerdict(twin, jwk, 'ES256'));
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
    expect(await verifies(jws, other, 'ES256')).toBe(false);
    expect(await verifies(jws, { ...jwk, key_ops: ['sign'] }, 'ES256')).toBe(await joseVerdict(jws, { ...jwk, key_ops: ['sign'] }, 'ES256'));
    expect(await verifies(jws, jwk, 'EdDSA')).toBe(false);
  });
});

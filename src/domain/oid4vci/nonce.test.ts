import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NonceMinter } from './nonce.js';

const SECRET = 'ab'.repeat(32);
const NOW = Date.UTC(2026, 11, 1);

describe('NonceMinter', () => {
  const minter = new NonceMinter(SECRET);

  it('accepts its own nonce for its use until it expires', () => {
    const nonce = minter.mint('c_nonce', NOW + 300_000);
    expect(minter.check('c_nonce', nonce, NOW)).toBe(NOW + 300_000);
    expect(minter.check('c_nonce', nonce, NOW + 299_999)).toBe(NOW + 300_000);
    expect(minter.check('c_nonce', nonce, NOW + 300_000)).toBeUndefined();
  });

  it('mints a different nonce every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => minter.mint('dpop_nonce', NOW + 1000)));
    expect(nonces.size).toBe(100);
  });

  it('refuses a nonce of the other use, of another secret, or of no shape', () => {
    const nonce = minter.mint('dpop_nonce', NOW + 60_000);
    expect(minter.check('c_nonce', nonce, NOW)).toBeUndefined();
    expect(new NonceMinter('cd'.repeat(32)).check('dpop_nonce', nonce, NOW)).toBeUndefined();
    for (const bad of [undefined, null, 42, '', 'x', `${nonce}.`, nonce.toUpperCase(), nonce.replace('.', '')]) expect(minter.check('dpop_nonce', bad, NOW)).toBeUndefined();
  });

  it('refuses a nonce with any character changed, its expiry moved or its tag spelt otherwise', () => {
    const nonce = minter.mint('c_nonce', NOW + 60_000);
    fc.assert(
      fc.property(fc.nat({ max: nonce.length - 1 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), (at, c) => {
        fc.pre(nonce[at] !== c && nonce[at] !== '.');
        const changed = `${nonce.slice(0, at)}${c}${nonce.slice(at + 1)}`;
        expect(minter.check('c_nonce', changed, NOW)).toBeUndefined();
      }),
    );
  });
});

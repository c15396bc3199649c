import { createHash, generateKeyPairSync } from 'node:crypto';
import { mirrorS, signCompactJws } from '../keys/ecdsa.js';
import { describe, expect, it } from 'vitest';
import { credentialDigest, issuedTokenHashes, MAX_ANCHOR_DIGESTS, parseAnchorPayload } from './anchor.js';

const sha = (text: string) => createHash('sha256').update(text).digest('base64url');
/** The same 32 bytes with nonzero padding bits in the last character: a second spelling. */
const nonCanonical = (digest: string) =>
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].map((c) => digest.slice(0, 42) + c).find((d) => d !== digest && Buffer.from(d, 'base64url').equals(Buffer.from(digest, 'base64url')))!;

describe('issuance anchors', () => {
  it('digest the issuer-signed JWT only: an SD-JWT without its disclosures and key binding', () => {
    expect(credentialDigest('a.b.c')).toBe(sha('a.b.c'));
    expect(credentialDigest('a.b.c~d1~d2~kb.x.y')).toBe(sha('a.b.c'));
    expect(credentialDigest('a.b.c~')).toBe(sha('a.b.c'));
  });

  it('count an ES256 signature in its low-S form: the high-S twin is the same credential', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 20; i++) {
      const token = signCompactJws({ alg: 'ES256', typ: 'vc+jwt' }, JSON.stringify({ n: i }), privateKey);
      const dot = token.lastIndexOf('.');
      const twin = `${token.slice(0, dot + 1)}${mirrorS(Buffer.from(token.slice(dot + 1), 'base64url')).toString('base64url')}`;
      expect(twin).not.toBe(token);
      expect(credentialDigest(twin)).toBe(credentialDigest(token));
      expect(credentialDigest(`${twin}~d1~`)).toBe(credentialDigest(token));
    }
    // An EdDSA signature is never reinterpreted.
    const { privateKey: ed } = generateKeyPairSync('ed25519');
    const edToken = signCompactJws({ alg: 'EdDSA' }, 'x', ed);
    expect(credentialDigest(edToken)).toBe(sha(edToken));
  });

  it('hash a token just issued once where its digest and its record hash cover the same text', () => {
    const hex = (text: string) => createHash('sha256').update(text).digest('hex');
    const { privateKey: ed } = generateKeyPairSync('ed25519');
    const jwt = signCompactJws({ alg: 'EdDSA', typ: 'vc+jwt' }, '{"n":1}', ed);
    expect(issuedTokenHashes(jwt, 'EdDSA')).toEqual({ digest: credentialDigest(jwt), tokenHash: hex(jwt) });
    expect(issuedTokenHashes(`${jwt}~d1~`, 'EdDSA')).toEqual({ digest: credentialDigest(jwt), tokenHash: hex(`${jwt}~d1~`) });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 10; i++) {
      const token = signCompactJws({ alg: 'ES256', typ: 'vc+jwt' }, JSON.stringify({ n: i }), privateKey);
      const dot = token.lastIndexOf('.');
      const twin = `${token.slice(0, dot + 1)}${mirrorS(Buffer.from(token.slice(dot + 1), 'base64url')).toString('base64url')}`;
      expect(issuedTokenHashes(token, 'ES256')).toEqual({ digest: credentialDigest(token), tokenHash: hex(token) });
      // A high-S token (not ours: every signer here emits low-S) still gets the low-S digest.
      expect(issuedTokenHashes(twin, 'ES256')).toEqual({ digest: credentialDigest(token), tokenHash: hex(twin) });
    }
  });

  it('accept 1 to 256 distinct canonical digests and nothing else', () => {
    const digests = Array.from({ length: 3 }, (_, i) => sha(String(i)));
    expect(parseAnchorPayload({ digests })).toEqual(digests);
    expect(parseAnchorPayload({ digests: Array.from({ length: MAX_ANCHOR_DIGESTS }, (_, i) => sha(String(i))) })).toHaveLength(MAX_ANCHOR_DIGESTS);
    for (const bad of [
      null,
      [],
      { digests: [] },
      { digests: [digests[0], digests[0]] },
      { digests: ['short'] },
      { digests: [nonCanonical(digests[0]!)] },
      { digests, claims: { name: 'x' } },
      { digests: Array.from({ length: MAX_ANCHOR_DIGESTS + 1 }, (_, i) => sha(String(i))) },
    ]) {
      expect(parseAnchorPayload(bad)).toBeUndefined();
    }
  });
});

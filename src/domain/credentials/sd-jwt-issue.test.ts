import { generateKeyPairSync, verify } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signJoseBytes } from '../keys/ecdsa.js';
import { issueSdJwt, packClaims, randomSalt, type SaltSource } from './sd-jwt-issue.js';
import { discloseSdJwt, disclosureDigest, disclosureFrame } from './sd-jwt.js';

const ed25519 = generateKeyPairSync('ed25519');
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const header = { typ: 'vc+sd-jwt', cty: 'vc', kid: 'did:example:issuer#key-1' };
const decode = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** The salts in order, round and round: the same list gives both packers the same salts. */
function saltsFrom(salts: readonly string[]): SaltSource {
  let drawn = 0;
  return () => salts[drawn++ % salts.length]!;
}

/** @sd-jwt/core's issue with a fixed salt list, signing as our issuance signs. */
function library(alg: 'EdDSA' | 'ES256', salts: readonly string[]): SDJwtInstance<Record<string, unknown>> {
  const key = alg === 'EdDSA' ? ed25519.privateKey : p256.privateKey;
  return new SDJwtInstance({ hasher: digest, hashAlg: 'sha-256', saltGenerator: saltsFrom(salts), signAlg: alg, signer: (data: string) => signJoseBytes(alg, Buffer.from(data), key).toString('base64url') });
}

// Names of Object.prototype's members: @sd-jwt/core loses such claims (see below), so the
// byte-for-byte property leaves them out.
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const name = fc.oneof(fc.constantFrom('a', 'b', 'name', '0', '1', '', 'é', '~/', '_sd', '...', '_sd_alg', 'iss', 'cnf', '😀'), fc.string({ unit: 'binary', maxLength: 5 })).filter((n) => !PROTOTYPE_NAMES.has(n));
const primitive = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const { value } = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, primitive, tie('object'), tie('array')),
  object: fc.dictionary(name, tie('value'), { maxKeys: 4 }),
  array: fc.array(tie('value'), { maxLength: 4 }),
}));

const escape = (segment: string | number) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON pointers to every member of every object and array in `claims`. */
function pointers(claims: unknown, prefix = ''): string[] {
  if (claims === null || typeof claims !== 'object') return [];
  const keys = Array.isArray(claims) ? claims.map((_, i) => i) : Object.keys(claims);
  return keys.flatMap((key) => {
    const pointer = `${prefix}/${escape(key)}`;
    return [pointer, ...pointers((claims as Record<string | number, unknown>)[key], pointer)];
  });
}

/** Claims and a frame disclosureFrame builds from some of their pointers (repeats and nesting: recursive disclosure). */
const claimsAndFrame = fc.dictionary(name, value, { maxKeys: 6 }).chain((claims) => {
  const allowed = pointers(claims).filter((pointer) => {
    try {
      disclosureFrame(claims, [pointer]);
      return true;
    } catch {
      return false;
    }
  });
  const chosen = allowed.length === 0 ? fc.constant([]) : fc.array(fc.constantFrom(...allowed), { maxLength: 8 });
  return chosen.map((chosen) => ({ claims, frame: disclosureFrame(claims, chosen) }));
});
const salts = fc.array(fc.string({ unit: 'binary', maxLength: 24 }), { minLength: 1, maxLength: 8 });

describe('issueSdJwt', () => {
  it('makes the SD-JWT @sd-jwt/core makes, byte for byte, for the same salts (EdDSA)', async () => {
    await fc.assert(
      fc.asyncProperty(claimsAndFrame, salts, async ({ claims, frame }, salts) => {
        const before = JSON.stringify(claims);
        const ours = issueSdJwt(claims, frame, { header, alg: 'EdDSA', key: ed25519.privateKey }, saltsFrom(salts));
        const theirs = await library('EdDSA', salts).issue(claims, frame as never, { header });
        expect(ours).toBe(theirs);
        expect(JSON.stringify(claims)).toBe(before);
      }),
      { numRuns: 400 },
    );
  });

  it('makes the same header, payload and disclosures as @sd-jwt/core with ES256, and a signature that verifies', async () => {
    await fc.assert(
      fc.asyncProperty(claimsAndFrame, salts, async ({ claims, frame }, salts) => {
        const ours = issueSdJwt(claims, frame, { header: { typ: 'dc+sd-jwt', kid: 'k' }, alg: 'ES256', key: p256.privateKey }, saltsFrom(salts));
        const theirs = await library('ES256', salts).issue(claims, frame as never, { header: { typ: 'dc+sd-jwt', kid: 'k' } });
        const signed = (token: string) => token.slice(0, token.lastIndexOf('.', token.indexOf('~')));
        expect(signed(ours)).toBe(signed(theirs));
        expect(ours.slice(ours.indexOf('~'))).toBe(theirs.slice(theirs.indexOf('~')));
        const jws = ours.slice(0, ours.indexOf('~'));
        const signature = Buffer.from(jws.slice(jws.lastIndexOf('.') + 1), 'base64url');
        expect(verify('sha256', Buffer.from(signed(ours)), { key: p256.publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('gives back the claims it was given when every disclosure is presented', () => {
    const plain = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 5 }).filter((n) => !PROTOTYPE_NAMES.has(n) && !['_sd', '...', '_sd_alg'].includes(n));
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({ tree: fc.oneof({ depthSize: 'small' }, primitive, fc.dictionary(plain, tie('tree'), { maxKeys: 3 }), fc.array(tie('tree'), { maxLength: 3 })) }));
    const claimsAndChosen = fc.dictionary(plain, tree, { maxKeys: 5 }).chain((claims) => {
      const all = pointers(claims);
      return (all.length === 0 ? fc.constant([]) : fc.subarray(all)).map((chosen) => ({ claims, chosen }));
    });
    fc.assert(
      fc.property(claimsAndChosen, ({ claims, chosen }) => {
        const token = issueSdJwt(claims, disclosureFrame(claims, chosen), { header, alg: 'EdDSA', key: ed25519.privateKey });
        const [jws, ...rest] = token.split('~');
        expect(rest.pop()).toBe('');
        expect(rest).toHaveLength(new Set(chosen).size);
        const { _sd_alg, ...payload } = decode(jws!.split('.')[1]!) as Record<string, unknown>;
        expect(_sd_alg).toBe('sha-256');
        expect(discloseSdJwt(payload, rest)).toEqual({ claims: JSON.parse(JSON.stringify(claims)) });
      }),
      { numRuns: 300 },
    );
  });

  it('packs nested, array and recursive disclosures in the library order, _sd sorted', () => {
    const claims = { iss: 'did:x', subject: { name: 'A', address: { street: 'S', city: 'C' }, nicknames: ['a', 'b'] } };
    const frame = disclosureFrame(claims, ['/subject/address/street', '/subject/address', '/subject/nicknames/1', '/subject/name']);
    const { claims: packed, disclosures } = packClaims(claims, frame, saltsFrom(['s1', 's2', 's3', 's4']));
    // address's street first (inside the address disclosure), then nicknames/1, then subject's own.
    expect(disclosures.map((d) => decode(d))).toEqual([
      ['s1', 'street', 'S'],
      ['s2', 'b'],
      ['s3', 'name', 'A'],
      ['s4', 'address', { city: 'C', _sd: [disclosureDigest(disclosures[0]!)] }],
    ]);
    expect(packed).toEqual({ iss: 'did:x', subject: { nicknames: ['a', { '...': disclosureDigest(disclosures[1]!) }], _sd: [disclosureDigest(disclosures[2]!), disclosureDigest(disclosures[3]!)].sort() } });
    expect(claims.subject.address.street).toBe('S');
  });

  it('signs {typ, cty, kid, alg} over the packed claims with _sd_alg, and ends in ~', () => {
    const token = issueSdJwt({ a: 1, b: 2 }, { _sd: ['b'] }, { header, alg: 'EdDSA', key: ed25519.privateKey }, saltsFrom(['salt']));
    const [jws, disclosure, end] = token.split('~');
    const [h, p, s] = jws!.split('.');
    expect(Buffer.from(h!, 'base64url').toString()).toBe('{"typ":"vc+sd-jwt","cty":"vc","kid":"did:example:issuer#key-1","alg":"EdDSA"}');
    expect(decode(p!)).toEqual({ a: 1, _sd: [disclosureDigest(disclosure!)], _sd_alg: 'sha-256' });
    expect(decode(disclosure!)).toEqual(['salt', 'b', 2]);
    expect(end).toBe('');
    expect(verify(null, Buffer.from(`${h}.${p}`), ed25519.publicKey, Buffer.from(s!, 'base64url'))).toBe(true);
    // No disclosures: still an SD-JWT with _sd_alg, as the library issues it.
    const bare = issueSdJwt({ a: 1 }, {}, { header, alg: 'EdDSA', key: ed25519.privateKey });
    expect(bare.endsWith('~')).toBe(true);
    expect(decode(bare.split('.')[1]!)).toEqual({ a: 1, _sd_alg: 'sha-256' });
  });

  it("keeps claims named like Object.prototype's members, which @sd-jwt/core loses", async () => {
    const claims = { toString: 'shown', constructor: 'kept', valueOf: 'hidden' };
    const token = issueSdJwt(claims, { _sd: ['valueOf'] }, { header, alg: 'EdDSA', key: ed25519.privateKey }, saltsFrom(['s']));
    const [jws, disclosure] = token.split('~');
    expect(decode(jws!.split('.')[1]!)).toEqual({ toString: 'shown', constructor: 'kept', _sd: [disclosureDigest(disclosure!)], _sd_alg: 'sha-256' });
    expect(decode(disclosure!)).toEqual(['s', 'valueOf', 'hidden']);
    // The library puts Object.prototype's functions in their place: dropped, or disclosed as null.
    const theirs = await library('EdDSA', ['s']).issue(claims, { _sd: ['valueOf'] } as never, { header });
    expect(decode(theirs.split('~')[1]!)).toEqual(['s', 'valueOf', null]);
    expect(decode(theirs.split('.')[1]!)).not.toHaveProperty('toString', 'shown');
  });
});

describe('disclosureFrame with reserved and prototype names', () => {
  it('builds own frame members for claims named constructor or __proto__, leaving Object alone', () => {
    const claims = JSON.parse('{"constructor":{"a":1},"__proto__":{"b":2}}') as Record<string, unknown>;
    const frame = disclosureFrame(claims, ['/constructor/a', '/__proto__/b']);
    expect(Object.getOwnPropertyDescriptor(frame, 'constructor')?.value).toEqual({ _sd: ['a'] });
    expect(Object.getOwnPropertyDescriptor(frame, '__proto__')?.value).toEqual({ _sd: ['b'] });
    expect(Object.getPrototypeOf(frame)).toBe(Object.prototype);
    expect((Object as unknown as { _sd?: unknown })._sd).toBeUndefined();
    expect((Object.prototype as { _sd?: unknown })._sd).toBeUndefined();
    const { claims: packed, disclosures } = packClaims(claims, frame, saltsFrom(['s']));
    expect(disclosures.map((d) => decode(d))).toEqual([
      ['s', 'a', 1],
      ['s', 'b', 2],
    ]);
    expect(JSON.parse(JSON.stringify(packed))).toEqual(JSON.parse(`{"constructor":{"_sd":["${disclosureDigest(disclosures[0]!)}"]},"__proto__":{"_sd":["${disclosureDigest(disclosures[1]!)}"]}}`));
  });

  it('refuses a pointer to a member an object only inherits, and names one array element one way', () => {
    expect(() => disclosureFrame({ a: {} }, ['/a/toString'])).toThrow(/names no claim/);
    expect(() => disclosureFrame({ a: [1] }, ['/a/length'])).toThrow(/names no claim/);
    expect(disclosureFrame({ a: [{ b: 1, c: 2 }] }, ['/a/0/b', '/a/00/c', '/a/0'])).toEqual({ a: { 0: { _sd: ['b', 'c'] }, _sd: [0] } });
    expect(disclosureFrame({ 'x/y': 1, 'p~q': { r: 1 } }, ['/x~1y', '/p~0q/r'])).toEqual({ _sd: ['x/y'], 'p~q': { _sd: ['r'] } });
  });

  it.each([['/_sd'], ['/x/_sd'], ['/x/...'], ['/_sd/a']])('refuses %s: SD-JWT reserves _sd and ...', (pointer) => {
    const claims = { _sd: { a: 1 }, x: { _sd: 1, '...': 2 } };
    expect(() => disclosureFrame(claims, [pointer])).toThrow(/reserves/);
  });
});

describe('randomSalt', () => {
  it('gives 128-bit base64url salts, none repeated across pool refills', () => {
    const drawn = Array.from({ length: 1000 }, randomSalt);
    for (const salt of drawn) expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(drawn.every((s) => /^[A-Za-z0-9_-]{22}$/.test(s))).toBe(true);
    expect(new Set(drawn).size).toBe(drawn.length);
  });
});

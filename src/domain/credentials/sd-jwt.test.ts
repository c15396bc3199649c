import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { discloseSdJwt, disclosureDigest, disclosureFrame, unreferencedDisclosure } from './sd-jwt.js';

const credential = { issuer: 'did:x', credentialSubject: { name: 'A', address: { street: 'S', city: 'C' }, nicknames: ['a', 'b'] } };
const enc = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('disclosureFrame', () => {
  it('turns pointers into a frame, nested and in arrays', () => {
    expect(disclosureFrame(credential, ['/credentialSubject/name', '/credentialSubject/address/street', '/credentialSubject/nicknames/1'])).toEqual({
      credentialSubject: { _sd: ['name'], address: { _sd: ['street'] }, nicknames: { _sd: [1] } },
    });
  });

  it('rebases pointers (dc+sd-jwt lifts the subject)', () => {
    expect(disclosureFrame(credential.credentialSubject, ['/credentialSubject/name'], (s) => s.slice(1))).toEqual({ _sd: ['name'] });
  });

  it.each([['/issuer'], ['/credentialSubject/age'], ['credentialSubject/name'], ['/'], ['/credentialSubject/nicknames/x']])('refuses %s', (pointer) => {
    expect(() => disclosureFrame(credential, [pointer])).toThrow(InvalidInputError);
  });
});

describe('unreferencedDisclosure', () => {
  const d1 = enc(['salt1', 'name', 'A']);
  const d2 = enc(['salt2', 'city', 'C']);
  const payload = { _sd: [disclosureDigest(d1)], address: { _sd: [disclosureDigest(d2)] } };

  it('accepts disclosures the payload references', () => {
    expect(unreferencedDisclosure(payload, [d1, d2])).toBeUndefined();
    expect(unreferencedDisclosure(payload, [])).toBeUndefined();
  });

  it('accepts a nested disclosure referenced from another disclosure, and array elements', () => {
    const inner = enc(['salt3', 'street', 'S']);
    const outer = enc(['salt4', 'address', { _sd: [disclosureDigest(inner)] }]);
    const element = enc(['salt5', 'b']);
    const p = { _sd: [disclosureDigest(outer)], nicknames: ['a', { '...': disclosureDigest(element) }] };
    expect(unreferencedDisclosure(p, [outer, inner, element])).toBeUndefined();
  });

  it('refuses an altered, a foreign, a repeated or a malformed disclosure', () => {
    expect(unreferencedDisclosure(payload, [enc(['salt1', 'name', 'B'])])).toMatch(/not referenced/);
    expect(unreferencedDisclosure(payload, [d1, enc(['other', 'x', 1])])).toMatch(/not referenced/);
    expect(unreferencedDisclosure(payload, [d1, d1])).toMatch(/twice/);
    expect(unreferencedDisclosure(payload, ['!!'])).toMatch(/not (base64url JSON|\[salt)/);
  });
});

describe('discloseSdJwt', () => {
  // A seeded generator: SD-JWT payloads and disclosures with digests in _sd and '...', some
  // resolving, some not, some disclosures nested in others, names colliding with plain claims.
  function random(seed: number) {
    let state = seed >>> 0 || 1;
    const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    return { next, pick };
  }
  const KEYS = ['a', 'b', 'c', 'name', '...', '_sd', 'iat', ''];

  function scenario(seed: number) {
    const { next, pick } = random(seed);
    const disclosures: string[] = [];
    const digests: string[] = [];
    const digest = () => (digests.length > 0 && next() < 0.8 ? pick(digests) : disclosureDigest(enc([String(next()), 'x', 1])));
    const value = (depth: number): unknown => {
      const r = next();
      if (depth > 2 || r < 0.35) return pick([1, 'v', null, true, 0, '', [1, 2]]);
      if (r < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => (next() < 0.4 ? { '...': pick([digest(), digest(), 5, '']) } : value(depth + 1)));
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 4); i > 0; i--) object[pick(KEYS)] = value(depth + 1);
      if (next() < 0.6) object._sd = next() < 0.9 ? Array.from({ length: Math.floor(next() * 4) }, digest) : pick(['abc', 0, false, 7, {}]);
      return object;
    };
    for (let i = Math.floor(next() * 6); i > 0; i--) {
      const encoded = enc(next() < 0.7 ? [String(next()), pick(KEYS), value(1)] : [String(next()), value(1)]);
      disclosures.push(encoded);
      digests.push(disclosureDigest(encoded));
    }
    const payload = { ...(value(0) as object), _sd: Array.from({ length: Math.floor(next() * 5) }, digest), ...(next() < 0.3 ? { _sd_alg: 'sha-256' } : {}) } as Record<string, unknown>;
    return { payload, presented: disclosures.filter(() => next() < 0.8) };
  }

  it('builds the claims @sd-jwt/core builds, for any payload and disclosures it accepts', async () => {
    const { getClaims } = await import('@sd-jwt/decode');
    const { Disclosure } = await import('@sd-jwt/utils');
    const { digest } = await import('@sd-jwt/crypto-nodejs');
    let compared = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const { payload, presented } = scenario(seed);
      const ours = discloseSdJwt(payload, presented);
      if ('problem' in ours && /disclosure/.test(ours.problem)) continue; // refused before any claims are built
      let theirs: { claims: unknown } | { problem: string };
      try {
        const decoded = await Promise.all(presented.map((d) => Disclosure.fromEncode(d, { alg: 'sha-256', hasher: digest })));
        theirs = { claims: await getClaims(payload, decoded, digest) };
      } catch (error) {
        theirs = { problem: (error as Error).message };
      }
      expect('problem' in ours, `seed ${seed}`).toBe('problem' in theirs);
      if ('claims' in ours && 'claims' in theirs) expect(ours.claims, `seed ${seed}`).toEqual(theirs.claims);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('discloses nested and array disclosures, and leaves the payload unchanged', () => {
    const inner = enc(['salt3', 'street', 'S']);
    const element = enc(['salt5', 'b']);
    const outer = enc(['salt4', 'address', { _sd: [disclosureDigest(inner)], city: 'C' }]);
    const payload = { iss: 'did:x', _sd_alg: 'sha-256', _sd: [disclosureDigest(outer)], nicknames: ['a', { '...': disclosureDigest(element) }, { '...': disclosureDigest(enc(['s', 'c'])) }] };
    const before = JSON.stringify(payload);
    expect(discloseSdJwt(payload, [outer, inner, element])).toEqual({ claims: { iss: 'did:x', nicknames: ['a', 'b'], address: { city: 'C', street: 'S' } } });
    expect(JSON.stringify(payload)).toBe(before);
  });

  it('keeps a __proto__ claim as data', () => {
    const d = enc(['salt', '__proto__', { polluted: true }]);
    const opened = discloseSdJwt({ _sd: [disclosureDigest(d)] }, [d]);
    expect('claims' in opened && Object.getPrototypeOf(opened.claims)).toBe(Object.prototype);
    expect('claims' in opened && Object.getOwnPropertyDescriptor(opened.claims, '__proto__')?.value).toEqual({ polluted: true });
  });

  it.each([[''], ['a+b'], ['YQ==']])('refuses %j, which is not base64url', (disclosure) => {
    expect(discloseSdJwt({}, [disclosure])).toEqual({ problem: 'a disclosure is not base64url JSON' });
  });
});

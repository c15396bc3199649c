import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presenterProblem, presentationFreshness, subjectIds } from './presentation.js';

const NOW = Date.UTC(2026, 5, 1) / 1000;
const clock = { nowMs: NOW * 1000 };
const asked = { challenge: 'n-1', domain: 'https://rp.example' };

describe('presentationFreshness', () => {
  it('is fresh when the relying party asked for a challenge and a domain and iat is recent', () => {
    expect(presentationFreshness({ iat: NOW - 10, nonce: 'n-1' }, asked, clock)).toMatchObject({ ok: true });
    expect(presentationFreshness({}, asked, clock)).toMatchObject({ ok: true });
  });

  it('fails without a challenge or a domain asked, or when stale, unless waived (then says why)', () => {
    for (const [claims, request, why] of [
      [{ iat: NOW }, {}, /no options.challenge.*no options.domain/],
      [{ iat: NOW }, { challenge: 'n-1' }, /no options.domain/],
      [{}, { domain: 'https://rp.example' }, /no options.challenge/],
      [{ iat: NOW - 301 }, asked, /more than 300 s ago/],
    ] as const) {
      const verdict = presentationFreshness(claims, request, clock);
      expect(verdict).toEqual({ ok: false, problem: expect.stringMatching(why) });
      expect(presentationFreshness(claims, { ...request, allowReplay: true }, clock)).toEqual({ ok: true, detail: 'waived by options.allowReplay', waived: expect.stringMatching(why) });
    }
  });

  it('always honours the presentation’s own exp, nbf and iat, and refuses malformed ones, waiver or not', () => {
    for (const claims of [{ exp: NOW - 3600 }, { nbf: NOW + 3600 }, { iat: NOW + 3600 }, { iat: 1e20 }, { exp: 'soon' }]) {
      expect(presentationFreshness(claims, { ...asked, allowReplay: true }, clock)).toMatchObject({ ok: false });
    }
  });

  it('a key-binding JWT must carry iat', () => {
    expect(presentationFreshness({ nonce: 'n-1' }, asked, clock, true)).toEqual({ ok: false, problem: 'the key-binding JWT has no iat' });
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('iat', 'nbf', 'exp', 'nonce'), fc.oneof(fc.jsonValue(), fc.double())), fc.record({ challenge: fc.string(), domain: fc.string(), allowReplay: fc.boolean() }, { requiredKeys: [] }), (claims, request) => {
        expect(typeof presentationFreshness(claims, request, clock).ok).toBe('boolean');
      }),
    );
  });
});

describe('presenterProblem', () => {
  const key = { kty: 'OKP', crv: 'Ed25519', x: 'holder-x' };
  it('accepts the subject, or the holder of the cnf key', () => {
    expect(presenterProblem({ credentialSubject: { id: 'did:h' } }, 'did:h', key)).toBeUndefined();
    expect(presenterProblem({ credentialSubject: [{ id: 'did:a' }, { id: 'did:h' }] }, 'did:h', key)).toBeUndefined();
    expect(presenterProblem({ sub: 'did:h' }, 'did:h', key)).toBeUndefined();
    expect(presenterProblem({ credentialSubject: { id: 'did:other' }, cnf: { jwk: { ...key } } }, 'did:h', key)).toBeUndefined();
  });

  it('refuses anyone else, naming the subject', () => {
    expect(presenterProblem({ credentialSubject: { id: 'did:other' } }, 'did:h', key)).toMatch(/did:h is not the credential's subject \(its subject is did:other\)/);
    expect(presenterProblem({ credentialSubject: { name: 'x' } }, 'did:h', key)).toMatch(/names no subject id/);
    expect(presenterProblem({ credentialSubject: { id: 'did:other' }, cnf: { jwk: { ...key, x: 'other-x' } } }, 'did:h', key)).toMatch(/cnf key/);
    expect(presenterProblem({ credentialSubject: { id: 'did:other' }, cnf: { jwk: {} } }, 'did:h', {})).toMatch(/cnf key/);
  });

  it('reads subjects leniently', () => {
    expect(subjectIds({ credentialSubject: [null, 3, { id: 7 }, { id: 'did:a' }], sub: 'did:b' })).toEqual(['did:a', 'did:b']);
  });
});

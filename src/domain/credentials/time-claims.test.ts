import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTimeClaims, clockSkewSeconds, isoOfNumericDate, MAX_NUMERIC_DATE, readTimeClaims, timeClaimsProblem } from './time-claims.js';

// The clock is frozen: 2026-06-01T00:00:00Z.
const NOW = Date.UTC(2026, 5, 1) / 1000;
const clock = { nowMs: NOW * 1000 };
const DAY = 86_400;

// Numbers around and far beyond the range, and values of every other JSON type.
const awkward = fc.oneof(
  fc.double(),
  fc.constantFrom(1e20, -1e20, 1e23, Number.MAX_VALUE, -0, 8.64e12, MAX_NUMERIC_DATE, MAX_NUMERIC_DATE + 1),
  fc.integer(),
  fc.jsonValue(),
  fc.string(),
  fc.constantFrom('+275760-09-13T00:00:00Z', '2026-13-01T00:00:00Z', '2026-02-30T25:00:00Z', '99999-01-01T00:00:00Z', '2026', 'Jan 1 2026', '', '2026-01-01T00:00:00Z'),
);

describe('time claims are total', () => {
  it('never throw, whatever each claim holds, and answer a problem or a verdict', () => {
    fc.assert(
      fc.property(
        fc.record({ iat: awkward, nbf: awkward, exp: awkward }, { requiredKeys: [] }),
        fc.record({ validFrom: awkward, validUntil: awkward, issuanceDate: awkward, expirationDate: awkward }, { requiredKeys: [] }),
        awkward,
        fc.option(fc.double()),
        (jwt, credential, skew, maxAge) => {
          const verdict = checkTimeClaims(jwt, credential, { nowMs: clock.nowMs, skewSeconds: skew }, maxAge ?? undefined);
          expect(verdict === undefined || typeof verdict === 'string').toBe(true);
          for (const value of Object.values(jwt)) {
            const iso = isoOfNumericDate(value);
            if (iso !== undefined) expect(Number.isNaN(Date.parse(iso))).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuse a NumericDate that is not a finite number in 1970…9999, naming the claim', () => {
    fc.assert(
      fc.property(fc.constantFrom('iat', 'nbf', 'exp'), fc.oneof(fc.double().filter((d) => !(d >= 0 && d <= MAX_NUMERIC_DATE)), fc.string(), fc.constant(null), fc.array(fc.integer()), fc.object()), (claim, value) => {
        expect(checkTimeClaims({ [claim]: value }, undefined, clock)).toMatch(new RegExp(`^${claim} must be a NumericDate`));
      }),
    );
    expect(checkTimeClaims({ exp: 1e20 }, undefined, clock)).toMatch(/exp must be a NumericDate.*got 100000000000000000000/);
    expect(checkTimeClaims({ iat: -1e20 }, undefined, clock)).toMatch(/iat must be a NumericDate/);
    expect(checkTimeClaims({ nbf: { seconds: 1 } }, undefined, clock)).toMatch(/nbf must be a NumericDate.*an object/);
    expect(checkTimeClaims({ exp: '1767225600' }, undefined, clock)).toMatch(/exp must be a NumericDate.*a string/);
  });

  it('refuse dates that are not dateTimes', () => {
    for (const validUntil of ['+275760-09-13T00:00:00Z', '2026-13-01T00:00:00Z', 'Jan 1 2026', 12, null, ['2026-01-01T00:00:00Z']]) {
      expect(checkTimeClaims({}, { validUntil }, clock)).toMatch(/^validUntil must be an XML Schema dateTime/);
    }
    expect(checkTimeClaims({}, { issuanceDate: '2026-01-01T00:00:00' }, clock)).toBeUndefined();
  });
});

describe('RFC 7519 with clock skew', () => {
  it('exp: valid before it (plus skew), expired from it on', () => {
    expect(checkTimeClaims({ exp: NOW - 30 * DAY }, undefined, clock)).toMatch(/^expired at 2026-05-02T00:00:00Z \(exp\)/);
    expect(checkTimeClaims({ exp: NOW - 59 }, undefined, clock)).toBeUndefined();
    expect(checkTimeClaims({ exp: NOW - 60 }, undefined, clock)).toMatch(/expired/);
    expect(checkTimeClaims({ exp: NOW - 200 }, undefined, { ...clock, skewSeconds: 300 })).toBeUndefined();
  });

  it('nbf and iat: not in the future beyond the skew', () => {
    expect(checkTimeClaims({ nbf: NOW + DAY }, undefined, clock)).toMatch(/^not valid before .* \(nbf\)/);
    expect(checkTimeClaims({ nbf: NOW + 60 }, undefined, clock)).toBeUndefined();
    expect(checkTimeClaims({ iat: NOW + 61 }, undefined, clock)).toMatch(/^issued in the future/);
    expect(checkTimeClaims({ iat: NOW + 10 }, undefined, { ...clock, skewSeconds: 0 })).toMatch(/future/);
  });

  it('the VCDM dates and the JWT claims are all honoured', () => {
    expect(checkTimeClaims({ exp: NOW + DAY }, { validUntil: '2026-05-01T00:00:00Z' }, clock)).toMatch(/\(validUntil\)/);
    expect(checkTimeClaims({ exp: NOW - DAY }, { validUntil: '2099-01-01T00:00:00Z' }, clock)).toMatch(/\(exp\)/);
    expect(checkTimeClaims({}, { validFrom: '2099-01-01T00:00:00Z' }, clock)).toMatch(/\(validFrom\)/);
    expect(checkTimeClaims({}, { expirationDate: '2026-05-01T00:00:00+02:00' }, clock)).toMatch(/expired at 2026-04-30T22:00:00Z/);
  });

  it('maxAge bounds how long ago iat may be', () => {
    expect(checkTimeClaims({ iat: NOW - 299 }, undefined, clock, 300)).toBeUndefined();
    expect(checkTimeClaims({ iat: NOW - 301 }, undefined, clock, 300)).toMatch(/more than 300 s ago/);
  });

  it('the skew is a finite number clamped to 0…300, else 60', () => {
    expect([undefined, NaN, Infinity, '120', {}, -5, 120, 1e9].map(clockSkewSeconds)).toEqual([60, 60, 60, 60, 60, 0, 120, 300]);
  });

  it('an nbf of now is valid now', () => {
    const read2 = readTimeClaims({ nbf: NOW });
    expect('claims' in read2 && timeClaimsProblem(read2.claims, clock)).toBeUndefined();
  });
});

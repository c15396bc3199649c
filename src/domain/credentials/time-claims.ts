/**
 * The time claims of credentials and presentations, read and judged once for every format:
 * JWT `iat` / `nbf` / `exp` (RFC 7519 4.1.4–4.1.6, NumericDate seconds) and the VCDM dates
 * (`validFrom` / `validUntil`, VCDM 1.1 `issuanceDate` / `expirationDate`). Total: any JSON
 * value in, a verdict out; a claim that is not a date in range is a problem, never a throw.
 */

export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** The last second of year 9999: a NumericDate beyond it (or before 1970) is refused. */
export const MAX_NUMERIC_DATE = 253_402_300_799;

/** One bound, in milliseconds, with the claim that set it (for the report). */
export interface Instant {
  readonly claim: string;
  readonly ms: number;
}

export interface TimeClaims {
  /** `iat`, when present. */
  readonly issuedAt?: Instant;
  /** `nbf`, `validFrom`, `issuanceDate`: not valid before any of them. */
  readonly notBefore: readonly Instant[];
  /** `exp`, `validUntil`, `expirationDate`: not valid from any of them on. */
  readonly notAfter: readonly Instant[];
}

export interface Clock {
  /** Now, in milliseconds. */
  readonly nowMs: number;
  /** The relying party's tolerance (options.clockSkewSeconds), any value: see {@link clockSkewSeconds}. */
  readonly skewSeconds?: unknown;
}

// xsd:dateTime with the year limited to four digits; without a zone it is read as UTC.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})?$/;

/** The clock skew to apply: the option when it is a finite number, clamped to 0…300; else 60. */
export function clockSkewSeconds(option: unknown): number {
  if (typeof option !== 'number' || !Number.isFinite(option)) return DEFAULT_CLOCK_SKEW_SECONDS;
  return Math.min(Math.max(option, 0), MAX_CLOCK_SKEW_SECONDS);
}

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value === 'number' ? String(value) : `a ${typeof value}`);

/** A NumericDate in seconds, or why it is not one. */
export function readNumericDate(claim: string, value: unknown): number | { problem: string } {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_NUMERIC_DATE) {
    return { problem: `${claim} must be a NumericDate (seconds since 1970, at most ${MAX_NUMERIC_DATE}); got ${describe(value)}` };
  }
  return value;
}

/** An XML Schema dateTime in milliseconds, or why it is not one. */
export function readDateTime(claim: string, value: unknown): number | { problem: string } {
  const problem = { problem: `${claim} must be an XML Schema dateTime such as 2026-01-01T00:00:00Z; got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : describe(value)}` };
  if (typeof value !== 'string' || !DATE_TIME.test(value)) return problem;
  const ms = Date.parse(/(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(ms) ? ms : problem;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads the time claims of a token: `jwt` is its JWT claims set, `credential` the credential it
 * carries (the same object for vc+jwt and vc+sd-jwt). Every claim present must be well formed.
 */
export function readTimeClaims(jwt: unknown, credential?: unknown): { claims: TimeClaims } | { problem: string } {
  const notBefore: Instant[] = [];
  const notAfter: Instant[] = [];
  let issuedAt: Instant | undefined;
  if (isPlainObject(jwt)) {
    for (const claim of ['iat', 'nbf', 'exp'] as const) {
      if (jwt[claim] === undefined) continue;
      const seconds = readNumericDate(claim, jwt[claim]);
      if (typeof seconds !== 'number') return seconds;
      const instant = { claim, ms: seconds * 1000 };
      if (claim === 'iat') issuedAt = instant;
      else (claim === 'nbf' ? notBefore : notAfter).push(instant);
    }
  }
  if (isPlainObject(credential)) {
    for (const claim of ['validFrom', 'issuanceDate', 'validUntil', 'expirationDate'] as const) {
      if (credential[claim] === undefined) continue;
      const ms = readDateTime(claim, credential[claim]);
      if (typeof ms !== 'number') return ms;
      (claim === 'validFrom' || claim === 'issuanceDate' ? notBefore : notAfter).push({ claim, ms });
    }
  }
  return { claims: { ...(issuedAt ? { issuedAt } : {}), notBefore, notAfter } };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * RFC 7519 with the relying party's clock skew: not before `nbf` (and validFrom), not at or after
 * `exp` (and validUntil), not issued in the future; with `maxAgeSeconds`, not issued longer ago.
 */
export function timeClaimsProblem(claims: TimeClaims, clock: Clock, maxAgeSeconds?: number): string | undefined {
  const skew = clockSkewSeconds(clock.skewSeconds) * 1000;
  const now = clock.nowMs;
  for (const bound of claims.notBefore) if (bound.ms - skew > now) return `not valid before ${iso(bound.ms)} (${bound.claim})`;
  for (const bound of claims.notAfter) if (bound.ms + skew <= now) return `expired at ${iso(bound.ms)} (${bound.claim})`;
  if (claims.issuedAt && claims.issuedAt.ms - skew > now) return `issued in the future, at ${iso(claims.issuedAt.ms)} (iat)`;
  if (maxAgeSeconds !== undefined && claims.issuedAt && now - claims.issuedAt.ms > maxAgeSeconds * 1000) return `issued more than ${maxAgeSeconds} s ago, at ${iso(claims.issuedAt.ms)} (iat)`;
  return undefined;
}

/** Reads and judges in one step: why the token is not valid now, or undefined. */
export function checkTimeClaims(jwt: unknown, credential: unknown, clock: Clock, maxAgeSeconds?: number): string | undefined {
  const read = readTimeClaims(jwt, credential);
  return 'problem' in read ? read.problem : timeClaimsProblem(read.claims, clock, maxAgeSeconds);
}

/** A NumericDate as a dateTimeStamp (VCDM 1.1 dates of a JWT), or undefined when it is not one. */
export function isoOfNumericDate(value: unknown): string | undefined {
  const seconds = readNumericDate('', value);
  return typeof seconds === 'number' ? iso(seconds * 1000) : undefined;
}

import type { JWK } from 'jose';
import { readTimeClaims, timeClaimsProblem, type Clock } from './time-claims.js';

/** How long after its `iat` a presentation is still fresh. */
export const PRESENTATION_MAX_AGE_SECONDS = 300;

/** What the relying party asked of a presentation. */
export interface FreshnessRequest {
  /** The nonce it gave the holder (options.challenge). */
  readonly challenge?: string;
  /** Its own identifier, the audience (options.domain). */
  readonly domain?: string;
  /** It accepts a presentation that proves no freshness (options.allowReplay). */
  readonly allowReplay?: boolean;
}

export type FreshnessVerdict = { readonly ok: true; readonly detail: string; readonly waived?: string } | { readonly ok: false; readonly problem: string };

/**
 * Whether a presentation was made for this relying party just now. Its own `nbf` / `exp` / `iat`
 * are always honoured (a presentation issued in the future or expired fails). Beyond that it is
 * fresh only when the relying party asked for a challenge and an audience (that the presentation
 * carries them is the holder-binding check) and its `iat`, when present, is at most 5 minutes
 * old. Anything less fails, unless the relying party waives it with `allowReplay`: then it
 * passes with the waiver stated. `requireIat`: the format makes `iat` mandatory (RFC 9901 KB-JWT).
 */
export function presentationFreshness(claims: Record<string, unknown>, request: FreshnessRequest, clock: Clock, requireIat = false): FreshnessVerdict {
  const read = readTimeClaims(claims);
  if ('problem' in read) return { ok: false, problem: read.problem };
  const invalid = timeClaimsProblem(read.claims, clock);
  if (invalid) return { ok: false, problem: `the presentation is ${invalid}` };
  if (requireIat && !read.claims.issuedAt) return { ok: false, problem: 'the key-binding JWT has no iat' };
  const missing: string[] = [];
  if (request.challenge === undefined) missing.push('no options.challenge was asked for');
  if (request.domain === undefined) missing.push('no options.domain was asked for');
  const stale = timeClaimsProblem(read.claims, clock, PRESENTATION_MAX_AGE_SECONDS);
  if (stale) missing.push(`it was ${stale}`);
  if (missing.length === 0) return { ok: true, detail: `bound to challenge and domain${read.claims.issuedAt ? `, made within ${PRESENTATION_MAX_AGE_SECONDS} s` : ''}` };
  const why = `${missing.join('; ')}: the presentation could be a replay`;
  if (request.allowReplay === true) return { ok: true, detail: 'waived by options.allowReplay', waived: why };
  return { ok: false, problem: `${why}; ask with options.challenge and options.domain, or waive with options.allowReplay` };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The subjects a credential names: each `credentialSubject.id` (VCDM) and `sub` (SD-JWT VC). */
export function subjectIds(credential: Record<string, unknown>): string[] {
  const subjects = Array.isArray(credential.credentialSubject) ? credential.credentialSubject : [credential.credentialSubject];
  const ids = subjects.filter(isObject).map((s) => s.id);
  return [...ids, credential.sub].filter((id): id is string => typeof id === 'string');
}

const sameKey = (a: JWK, b: JWK): boolean => a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y && a.x !== undefined;

/**
 * A presenter may present a credential only of which it is a subject, or whose `cnf` key it
 * holds (the key that signed the presentation). Answers why not, or undefined.
 */
export function presenterProblem(credential: Record<string, unknown>, holder: string, presenterKey: JWK): string | undefined {
  const subjects = subjectIds(credential);
  if (subjects.includes(holder)) return undefined;
  const cnf = isObject(credential.cnf) && isObject(credential.cnf.jwk) ? (credential.cnf.jwk as JWK) : undefined;
  if (cnf && sameKey(cnf, presenterKey)) return undefined;
  const named = subjects.length > 0 ? `its subject is ${subjects.join(', ')}` : 'it names no subject id';
  return `the presenter ${holder} is not the credential's subject (${named}) and does not hold its cnf key`;
}

import { hash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { InvalidInputError } from '../errors.js';

/** A disclosure frame in the @sd-jwt/core shape: `{claim: {…}, _sd: ['name', 0, …]}`. */
export type Frame = { _sd?: (string | number)[] } & { [key: string]: Frame | (string | number)[] | undefined };

const unescape = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
/** Claims verifiers always need (at the top level): never disclosures. */
const ALWAYS_VISIBLE = new Set(['@context', 'type', 'issuer', 'iss', 'vct', 'cnf', 'status', 'nbf', 'exp', 'iat', 'validFrom', 'validUntil', 'credentialStatus']);
/** Status references and holder keys must reach every verifier, whole. */
const WHOLE = new Set(['credentialStatus', 'status', 'cnf']);

const pointerProblem = (i: number, pointer: string, why: string) =>
  new InvalidInputError(`options.selectivelyDisclosable/${i} (${pointer}) ${why}`, { errors: [{ pointer: `/options/selectivelyDisclosable/${i}`, detail: why }] });

/**
 * Turns `options.selectivelyDisclosable` JSON pointers into a disclosure frame over `payload`.
 * `rebase` maps a request pointer to its place in the payload (dc+sd-jwt lifts
 * /credentialSubject/x to the top-level x). Every pointer must name a present claim, an own
 * member (not one an object inherits, like toString). Plain loops: it runs per issuance.
 */
export function disclosureFrame(payload: Record<string, unknown>, pointers: readonly string[], rebase: (segments: string[]) => string[] = (s) => s): Frame {
  const frame: Frame = {};
  for (let i = 0; i < pointers.length; i++) {
    const pointer = pointers[i]!;
    if (!pointer.startsWith('/') || pointer === '/') throw pointerProblem(i, pointer, 'must be a JSON pointer to a claim, like /credentialSubject/birthDate');
    const split = pointer.slice(1).split('/');
    const segments = rebase(pointer.includes('~') ? split.map(unescape) : split);
    if (segments.length === 0) throw pointerProblem(i, pointer, 'names no claim');
    if (segments.length > 1 && WHOLE.has(segments[0]!)) throw pointerProblem(i, pointer, 'is part of a claim verifiers always need: it cannot be selectively disclosable');
    let value: unknown = payload;
    let node = frame;
    for (let depth = 0; depth < segments.length; depth++) {
      const segment = segments[depth]!;
      const last = depth === segments.length - 1;
      const container = value;
      const isArray = Array.isArray(container);
      const key: string | number = isArray ? Number(segment) : segment;
      if (container === null || typeof container !== 'object' || (isArray && !Number.isInteger(key)) || !Object.hasOwn(container, key)) {
        throw pointerProblem(i, pointer, 'names no claim of the credential');
      }
      value = (container as Record<string | number, unknown>)[key];
      // RFC 9901 4.2.1: a disclosure names no claim _sd or ...; a frame's _sd is its list of names.
      if ((last && (key === '_sd' || key === '...')) || (!last && key === '_sd')) throw pointerProblem(i, pointer, 'names a claim _sd or ..., which SD-JWT reserves: it cannot be selectively disclosable');
      if (last) {
        if (depth === 0 && ALWAYS_VISIBLE.has(String(key))) throw pointerProblem(i, pointer, 'is a claim verifiers always need: it cannot be selectively disclosable');
        if (node._sd) node._sd.push(key);
        else node._sd = [key];
      } else {
        // Own members only: a claim named constructor or __proto__ must not reach Object's.
        const name = String(key); // an array index as a number names it: /a/01 and /a/1 are one frame member
        if (!Object.hasOwn(node, name)) define(node, name, {});
        node = node[name] as Frame;
      }
    }
  }
  return frame;
}

/** base64url SHA-256 of a disclosure as it appears in the SD-JWT (RFC 9901 section 4.2.3; base64url text, so its UTF-8 is its ASCII). */
export const disclosureDigest = (disclosure: string): string => hash('sha256', disclosure, 'base64url');

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** One disclosure, hashed and decoded once: `key` for an object property, none for an array element. */
interface Disclosed {
  readonly key?: unknown;
  readonly value: unknown;
}

/**
 * RFC 9901 7.1, in one pass over the disclosures (each hashed and decoded once): every disclosure
 * must be referenced by a digest in the payload or in another disclosure's value, and none may
 * appear twice; a foreign or altered disclosure is refused. Then the claims as disclosed, as
 * @sd-jwt/core's getClaims builds them (`_sd` and `_sd_alg` removed, a referenced property
 * disclosure set in its object, a referenced array element in its place, unreferenced digests
 * dropped); a property test holds the two to the same answer. Digests are SHA-256, as we issue.
 */
export function discloseSdJwt(payload: Record<string, unknown>, disclosures: readonly string[]): { claims: Record<string, unknown> } | { problem: string } {
  const byDigest = new Map<string, Disclosed>();
  for (const disclosure of disclosures) {
    // The digest is over the ASCII of the base64url text: anything else is not a disclosure.
    if (!BASE64URL.test(disclosure)) return { problem: 'a disclosure is not base64url JSON' };
    const digest = disclosureDigest(disclosure);
    if (byDigest.has(digest)) return { problem: 'a disclosure appears twice' };
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(disclosure, 'base64url').toString('utf8'));
    } catch {
      return { problem: 'a disclosure is not base64url JSON' };
    }
    if (!Array.isArray(decoded) || (decoded.length !== 2 && decoded.length !== 3)) return { problem: 'a disclosure is not [salt, (name,) value]' };
    byDigest.set(digest, decoded.length === 3 ? { key: decoded[1], value: decoded[2] } : { value: decoded[1] });
  }
  const referenced = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item && typeof item === 'object' && !Array.isArray(item) && typeof (item as { '...'?: unknown })['...'] === 'string') referenced.add((item as { '...': string })['...']);
        else collect(item);
      }
    } else if (value && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (key === '_sd' && Array.isArray(item)) item.forEach((d) => typeof d === 'string' && referenced.add(d));
        else collect(item);
      }
    }
  };
  collect(payload);
  for (const { value } of byDigest.values()) collect([value]);
  for (const digest of byDigest.keys()) if (!referenced.has(digest)) return { problem: 'a disclosure is not referenced by the credential (altered, or from another credential)' };
  try {
    const { _sd_alg: _alg, ...rest } = payload;
    return { claims: unpack(rest, byDigest) as Record<string, unknown> };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** Why {@link discloseSdJwt} refuses the disclosures, or undefined when each is referenced. */
export function unreferencedDisclosure(payload: Record<string, unknown>, disclosures: readonly string[]): string | undefined {
  const disclosed = discloseSdJwt(payload, disclosures);
  return 'problem' in disclosed ? disclosed.problem : undefined;
}

/** A value with its digests replaced by what they disclose; a new value, the input is not changed. */
function unpack(value: unknown, byDigest: ReadonlyMap<string, Disclosed>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const digest = item !== null && typeof item === 'object' ? (item as Record<string, unknown>)['...'] : undefined;
      // @sd-jwt/core: any truthy '...' makes the element a reference, kept only when it resolves.
      if (digest) {
        const disclosed = typeof digest === 'string' ? byDigest.get(digest) : undefined;
        if (disclosed) out.push(unpack(disclosed.value, byDigest));
      } else out.push(unpack(item, byDigest));
    }
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === '_sd') continue;
    // '...' outside an array is a plain member, kept as it is, as @sd-jwt/core does.
    define(out, key, key === '...' ? source[key] : unpack(source[key], byDigest));
  }
  const digests = source._sd;
  // As @sd-jwt/core reads it: a falsy _sd is none, a string's characters name no digest, a non-list fails.
  if (!digests || typeof digests === 'string') return out;
  if (!Array.isArray(digests)) throw new TypeError('_sd is not an array of digests');
  for (const digest of digests) {
    const disclosed = typeof digest === 'string' ? byDigest.get(digest) : undefined;
    // Only a property disclosure with a name sets a claim; a disclosed name replaces a plain one.
    if (disclosed?.key) define(out, String(disclosed.key), unpack(disclosed.value, byDigest));
  }
  return out;
}

/** Sets an own member, whatever its name (a `__proto__` claim is data, not a prototype). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface KeyBindingExpectation {
  /** The nonce the verifier gave the holder (options.challenge). */
  readonly nonce?: string;
  /** The verifier's identifier (options.domain). */
  readonly audience?: string;
}

const KB_ALGORITHMS: Record<string, { kty: string; crv: string }> = { EdDSA: { kty: 'OKP', crv: 'Ed25519' }, ES256: { kty: 'EC', crv: 'P-256' }, ES384: { kty: 'EC', crv: 'P-384' } };

/**
 * RFC 9901 section 7.3: the key-binding JWT is typ kb+jwt, signed by the key in the issuer's
 * cnf, over this very presentation (sd_hash), for this nonce and audience. Answers why not, or
 * its claims (whose freshness is judged with the other presentations', presentation.ts).
 */
export async function verifyKeyBinding(cnf: JWK | undefined, presented: string, kbJwt: string, expect: KeyBindingExpectation): Promise<{ problem: string } | { claims: Record<string, unknown> }> {
  if (!cnf) return { problem: 'the credential binds no holder key (cnf) but a key-binding JWT was presented' };
  try {
    const header = decodeProtectedHeader(kbJwt);
    const alg = String(header.alg);
    const allowed = KB_ALGORITHMS[alg];
    if (header.typ !== 'kb+jwt' || !allowed || cnf.kty !== allowed.kty || cnf.crv !== allowed.crv) {
      return { problem: `the key-binding JWT must be typ kb+jwt signed with the holder's ${String(cnf.crv)} key (EdDSA, ES256 or ES384)` };
    }
    const { payload: raw } = await compactVerify(kbJwt, await importJWK(cnf, alg), { algorithms: [alg] });
    const kb = JSON.parse(new TextDecoder().decode(raw)) as unknown;
    if (!kb || typeof kb !== 'object' || Array.isArray(kb)) return { problem: 'the key-binding JWT has no JSON object as payload' };
    const claims = kb as Record<string, unknown>;
    if (claims.sd_hash !== hash('sha256', Buffer.from(presented, 'ascii'), 'base64url')) return { problem: 'sd_hash does not match this presentation' };
    if (expect.nonce !== undefined && claims.nonce !== expect.nonce) return { problem: 'the nonce is not the challenge' };
    if (expect.audience !== undefined && claims.aud !== expect.audience) return { problem: 'the audience is not the domain' };
    return { claims };
  } catch {
    return { problem: "the key-binding JWT does not verify with the holder's key" };
  }
}

import { hash, randomFillSync, type KeyObject } from 'node:crypto';
import { signCompactJws, type JoseAlgorithm } from '../keys/ecdsa.js';
import type { Frame } from './sd-jwt.js';

/** Where a disclosure's salt comes from: {@link randomSalt} when issuing, a fixed list in tests. */
export type SaltSource = () => string;

/**
 * Random bytes drawn in batches: one randomFillSync per 128 salts rather than one randomBytes
 * per salt (as node:crypto's randomUUID does). Each byte is handed out once.
 */
const pool = Buffer.allocUnsafe(16 * 128);
let drawn = pool.length;

/**
 * A fresh salt: 128 random bits, base64url (RFC 9901 section 4.2.1 recommends 128 bits).
 * @sd-jwt/core's node salt generator gives 16 hex characters, 64 bits; a salt is opaque to
 * holders and verifiers, so only its strength changes.
 */
export function randomSalt(): string {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  const salt = pool.toString('base64url', drawn, drawn + 16);
  drawn += 16;
  return salt;
}

/** A disclosure as it appears in the SD-JWT, and its digest (RFC 9901 4.2.3: SHA-256 of its ASCII). */
function disclose(content: unknown[], disclosures: string[]): string {
  const encoded = Buffer.from(JSON.stringify(content)).toString('base64url');
  disclosures.push(encoded);
  return hash('sha256', encoded, 'base64url');
}

/**
 * The claims with the members the frame names replaced by digests, and the disclosures in the
 * order @sd-jwt/core's `pack` makes them: a member's nested disclosures before the member's own
 * (recursive disclosure), a level's own in the order of its members, `_sd` sorted. No decoys.
 * Mirrors its quirks too, so the two give the same bytes for the same salts (a property test
 * holds them to it): a member named "" discloses as [salt, value], a member is replaced by its
 * packed form only when that is truthy. Except where it loses claims: members named like
 * Object.prototype's (toString, constructor, __proto__) are kept as data. The frame names
 * members of objects and arrays only, as {@link disclosureFrame} builds it. The input is not changed.
 */
export function packClaims(claims: Record<string, unknown>, frame: Frame, salt: SaltSource = randomSalt): { claims: Record<string, unknown>; disclosures: string[] } {
  const disclosures: string[] = [];
  return { claims: pack(claims, frame, salt, disclosures) as Record<string, unknown>, disclosures };
}

function pack(claims: unknown, frame: Frame | undefined, salt: SaltSource, disclosures: string[]): unknown {
  if (!frame) return claims;
  const sd: readonly (string | number)[] = frame._sd ?? [];
  // Packed members by name in a Map: @sd-jwt/core keeps them in a plain object, where a claim
  // named toString or constructor finds Object.prototype's function and is lost.
  const nested = new Map<string | number, unknown>();
  if (Array.isArray(claims)) {
    for (const key of Object.keys(frame)) {
      if (key === '_sd') continue;
      const index = Number.parseInt(key, 10);
      nested.set(index, pack(claims[index], frame[index] as Frame | undefined, salt, disclosures));
    }
    const packed: unknown[] = [];
    for (let i = 0; i < claims.length; i++) {
      const claim = nested.get(i) || claims[i];
      packed.push(sd.includes(i) ? { '...': disclose([salt(), claim], disclosures) } : claim);
    }
    return packed;
  }
  const source = claims as Record<string, unknown>;
  for (const key of Object.keys(frame)) {
    if (key !== '_sd') nested.set(key, pack(source[key], frame[key] as Frame | undefined, salt, disclosures));
  }
  const packed: Record<string, unknown> = {};
  const digests: string[] = [];
  for (const key of Object.keys(source)) {
    const claim = nested.get(key) || source[key];
    if (sd.includes(key)) digests.push(disclose(key ? [salt(), key, claim] : [salt(), claim], disclosures));
    else if (key === '__proto__') define(packed, key, claim);
    else packed[key] = claim;
  }
  if (digests.length > 0) packed._sd = digests.sort();
  return packed;
}

/** Sets an own member, whatever its name (a `__proto__` claim is data, not a prototype). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export interface SdJwtSigning {
  /** Header members before alg, in order (typ, cty, kid): @sd-jwt/core puts alg last. */
  readonly header: Record<string, unknown>;
  readonly alg: JoseAlgorithm;
  readonly key: KeyObject;
}

/**
 * An SD-JWT (RFC 9901) without key binding, `<issuer JWT>~<disclosure>~…~`, as @sd-jwt/core's
 * `issue` makes it with SHA-256 digests: the packed claims with `_sd_alg` added, signed with the
 * same node:crypto path as a vc+jwt.
 */
export function issueSdJwt(claims: Record<string, unknown>, frame: Frame, signing: SdJwtSigning, salt: SaltSource = randomSalt): string {
  const packed = packClaims(claims, frame, salt);
  // packed.claims is a fresh object: _sd_alg lands where a spread would put it (last, or in
  // place of a claim of that name).
  packed.claims._sd_alg = 'sha-256';
  const jws = signCompactJws({ ...signing.header, alg: signing.alg }, JSON.stringify(packed.claims), signing.key);
  let token = `${jws}~`;
  for (const disclosure of packed.disclosures) token += `${disclosure}~`;
  return token;
}

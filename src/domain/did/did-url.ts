import { InvalidDidError } from '../errors.js';

export interface ParsedDid {
  readonly did: string;
  readonly method: string;
  readonly id: string;
}

export interface ParsedDidUrl extends ParsedDid {
  /** The DID URL as given. */
  readonly url: string;
  readonly path?: string;
  readonly query?: string;
  readonly fragment?: string;
}

// DID Core 3.1: did = "did:" method-name ":" method-specific-id
//   method-name = 1*( %x61-7A / DIGIT ); method-specific-id = *( *idchar ":" ) 1*idchar
//   idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded
const IDCHAR = '(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})';
const DID = new RegExp(`^did:([a-z0-9]+):((?:${IDCHAR}*:)*${IDCHAR}+)$`);
// DID Core 3.2: did-url = did path-abempty [ "?" query ] [ "#" fragment ] (RFC 3986 characters).
const PCHAR = "(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})";
const DID_URL = new RegExp(`^(did:[^/?#]*)((?:/${PCHAR}*)*)(?:\\?((?:${PCHAR}|[/?])*))?(?:#((?:${PCHAR}|[/?])*))?$`);
const ISTHMUS = /^did:isthmus:[a-z2-7]{24}$/;
const MAX_LENGTH = 4096;

function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** Parses a DID (no path, query or fragment) under the generic syntax of DID Core. */
export function parseDid(value: unknown): ParsedDid {
  if (typeof value !== 'string') throw new InvalidDidError('a DID is a string');
  if (value.length > MAX_LENGTH) throw new InvalidDidError(`a DID is at most ${MAX_LENGTH} characters`);
  const match = DID.exec(value);
  if (!match) {
    const why = !value.startsWith('did:')
      ? 'it does not start with "did:"'
      : !/^did:[a-z0-9]+:/.test(value)
        ? 'the method name must be lowercase letters and digits, followed by ":"'
        : 'the method-specific id must be letters, digits, ".", "-", "_", ":" or %-escapes, and must not end with ":"';
    throw new InvalidDidError(`${show(value)} is not a DID (did:<method>:<method-specific id>): ${why}`);
  }
  return { did: value, method: match[1]!, id: match[2]! };
}

/** Parses a DID URL: a DID, then an optional path, `?query` and `#fragment`. */
export function parseDidUrl(value: unknown): ParsedDidUrl {
  if (typeof value !== 'string') throw new InvalidDidError('a DID URL is a string');
  if (value.length > MAX_LENGTH) throw new InvalidDidError(`a DID URL is at most ${MAX_LENGTH} characters`);
  const match = DID_URL.exec(value);
  if (!match) throw new InvalidDidError(`${show(value)} is not a DID URL (did:<method>:<id>[/path][?query][#fragment])`);
  const [, did, path, query, fragment] = match;
  return {
    ...parseDid(did),
    url: value,
    ...(path ? { path } : {}),
    ...(query !== undefined ? { query } : {}),
    ...(fragment !== undefined ? { fragment } : {}),
  };
}

/** True for `did:isthmus:` + 24 characters of lowercase base32 (a-z, 2-7). */
export const isIsthmusDid = (value: string): boolean => ISTHMUS.test(value);

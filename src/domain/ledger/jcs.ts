import canonicalize from 'canonicalize';
import { InvalidInputError } from '../errors.js';

function assertJson(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(`${path || '/'} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJson(item, `${path}/${i}`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) assertJson(item, `${path}/${key}`);
    return;
  }
  throw new InvalidInputError(`${path || '/'} is not a JSON value (${typeof value})`);
}

/** The checked path: every refusal with the place it happened (and what the fast path gives up on). */
function checkedCanonicalJson(value: unknown): string {
  assertJson(value, '');
  try {
    return canonicalize(value)!;
  } catch (error) {
    throw new InvalidInputError(`not canonicalizable: ${(error as Error).message}`);
  }
}

/** Thrown inside `serialize` when a value is not plain JSON: the checked path then decides and words the refusal. */
const NOT_PLAIN = Symbol('not plain JSON');

/** Printable ASCII but `"` and `\`: quoted as it is (most strings of ours: ids, base64url, did:keys). */
const VERBATIM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** JSON.stringify of a string, unless it holds a lone surrogate (its well-formed escape `\udxxx`; a false alarm only costs the checked path). */
function quote(text: string): string {
  if (VERBATIM.test(text)) return `"${text}"`;
  const quoted = JSON.stringify(text);
  if (quoted.includes('\\ud')) throw NOT_PLAIN;
  return quoted;
}

/** One pass over plain JSON (what JSON.parse gives and what we build): the same text as canonicalize after assertJson. */
function serialize(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) throw NOT_PLAIN;
          out += i === 0 ? serialize(item) : `,${serialize(item)}`;
        }
        return `${out}]`;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_PLAIN;
      const record = value as Record<string, unknown>;
      // Default sort: by UTF-16 code units, as RFC 8785 section 3.2.3 asks.
      const keys = Object.keys(record).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const item = record[key];
        if (item === undefined) throw NOT_PLAIN;
        out += `${i === 0 ? '' : ','}${quote(key)}:${serialize(item)}`;
      }
      return `${out}}`;
    }
    default:
      throw NOT_PLAIN;
  }
}

/** RFC 8785 JSON Canonicalization Scheme: the one serialization that is hashed and signed. */
export function canonicalJson(value: unknown): string {
  try {
    return serialize(value);
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return checkedCanonicalJson(value);
  }
}

const utf8 = new TextEncoder();

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8.encode(canonicalJson(value));
}

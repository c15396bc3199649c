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

/** RFC 8785 JSON Canonicalization Scheme: the one serialization that is hashed and signed. */
export function canonicalJson(value: unknown): string {
  assertJson(value, '');
  try {
    return canonicalize(value)!;
  } catch (error) {
    throw new InvalidInputError(`not canonicalizable: ${(error as Error).message}`);
  }
}

export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

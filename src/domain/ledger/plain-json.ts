/**
 * Shapes of plain JSON (what JSON.parse gives), for the hand-checked fast paths in front of zod
 * schemas: whatever these do not vouch for goes to zod, which decides and words the refusal.
 */
export const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Plain JSON members only (no symbols, nothing hidden), none holding undefined (zod's optional-but-present case). */
export function plainKeys(value: Record<string, unknown>): string[] | undefined {
  const keys = Object.keys(value);
  if (keys.length !== Object.getOwnPropertyNames(value).length || Object.getOwnPropertySymbols(value).length > 0) return undefined;
  for (const key of keys) if (value[key] === undefined) return undefined;
  return keys;
}

/** Own keys all among `allowed`, as plainKeys has them. */
export function hasOnly(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  const keys = plainKeys(value);
  return keys !== undefined && keys.every((key) => allowed.has(key));
}

/** A copy of a `z.record(z.string(), z.unknown())` value as zod makes it, or undefined to leave it to zod. */
export function plainRecord(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = plainKeys(value);
  if (!keys || keys.includes('__proto__')) return undefined;
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = value[key];
  return copy;
}

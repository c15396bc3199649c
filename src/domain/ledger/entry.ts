import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { canonicalBytes } from './jcs.js';
import { leafHash } from './merkle.js';

export const ENTRY_KINDS = ['did-op', 'status-list', 'trust', 'region-key', 'anchor'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** The entry object of docs/ledger.md section 2; its JCS bytes are the Merkle leaf data. */
export interface LedgerEntry {
  readonly v: 1;
  readonly log: string;
  readonly index: number;
  /** RFC 3339, UTC. */
  readonly time: string;
  readonly kind: EntryKind;
  readonly payload: Record<string, unknown>;
}

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

const schema = z.strictObject({
  v: z.literal(1),
  log: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  time: z.string().regex(RFC3339_UTC, 'must be an RFC 3339 UTC time').refine((t) => !Number.isNaN(Date.parse(t)), 'must be a real instant'),
  kind: z.enum(ENTRY_KINDS),
  payload: z.record(z.string(), z.unknown()),
});

export function parseLedgerEntry(value: unknown): LedgerEntry {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`ledger entry: /${issue.path.join('/')} ${issue.message}`);
  }
  return parsed.data as LedgerEntry;
}

export const entryBytes = (entry: LedgerEntry): Uint8Array => canonicalBytes(entry);
export const entryLeafHash = (entry: LedgerEntry): Uint8Array => leafHash(entryBytes(entry));

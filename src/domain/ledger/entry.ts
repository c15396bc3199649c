import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { canonicalBytes, canonicalJson } from './jcs.js';
import { leafHash } from './merkle.js';
import { hasOnly, isPlainObject, plainRecord } from './plain-json.js';

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

const LOG = /^[a-z][a-z0-9-]{0,31}$/;

const schema = z.strictObject({
  v: z.literal(1),
  log: z.string().regex(LOG),
  index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  time: z.string().regex(RFC3339_UTC, 'must be an RFC 3339 UTC time').refine((t) => !Number.isNaN(Date.parse(t)), 'must be a real instant'),
  kind: z.enum(ENTRY_KINDS),
  payload: z.record(z.string(), z.unknown()),
});

const ENTRY_KEYS = new Set(['v', 'log', 'index', 'time', 'kind', 'payload']);
const isKind = (kind: unknown): kind is EntryKind => (ENTRY_KINDS as readonly unknown[]).includes(kind);

/** The entry as zod would give it, checked by hand for the plain case (a peer's served entries); undefined leaves it to zod. */
export function plainLedgerEntry(value: unknown): LedgerEntry | undefined {
  if (!isPlainObject(value) || !hasOnly(value, ENTRY_KEYS)) return undefined;
  const { v, log, index, time, kind } = value;
  if (v !== 1 || typeof log !== 'string' || !LOG.test(log) || typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) return undefined;
  if (typeof time !== 'string' || !RFC3339_UTC.test(time) || Number.isNaN(Date.parse(time)) || !isKind(kind)) return undefined;
  const payload = plainRecord(value.payload);
  return payload && { v, log, index, time, kind, payload };
}

/** What zod alone makes of an entry (the reference the hand-checked case is tested against). */
export function zodLedgerEntry(value: unknown): LedgerEntry | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? (parsed.data as LedgerEntry) : undefined;
}

export function parseLedgerEntry(value: unknown): LedgerEntry {
  const plain = plainLedgerEntry(value);
  if (plain) return plain;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`ledger entry: /${issue.path.join('/')} ${issue.message}`);
  }
  return parsed.data as LedgerEntry;
}

export const entryBytes = (entry: LedgerEntry): Uint8Array => canonicalBytes(entry);
export const entryLeafHash = (entry: LedgerEntry): Uint8Array => leafHash(entryBytes(entry));

/** The JCS text of an entry (what is stored) and its leaf hash, from one canonicalization. */
export function canonicalEntry(entry: LedgerEntry): { json: string; leaf: Uint8Array } {
  const json = canonicalJson(entry);
  return { json, leaf: leafHash(new TextEncoder().encode(json)) };
}

import { sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { InvalidInputError, InvalidSignatureError } from '../errors.js';
import { canonicalBytes } from '../ledger/jcs.js';

/**
 * A trust-list entry (docs/jurisdictions.md): a region's governance key accredits an issuer DID
 * for credential types, or withdraws an earlier accreditation. The payload of a `trust` ledger
 * entry in that region's log.
 */
export type TrustEntry = Accreditation | Withdrawal;

export interface Accreditation {
  readonly type: 'accredit';
  /** Unique id (UUID): what a withdrawal names. */
  readonly id: string;
  /** The accrediting region: its governance key signs. */
  readonly region: string;
  readonly issuer: string;
  readonly credentialTypes: readonly string[];
  /** Free text naming the legal frame, e.g. "EU", "eIDAS QEAA". */
  readonly jurisdiction: string;
  readonly validFrom: string;
  readonly validUntil?: string;
  /** When the governance signed it. */
  readonly issued: string;
  /** base64url Ed25519 signature over the JCS bytes of the entry without `sig`. */
  readonly sig: string;
}

export interface Withdrawal {
  readonly type: 'withdraw';
  readonly id: string;
  readonly region: string;
  /** The id of the accreditation withdrawn (of the same region). */
  readonly withdraws: string;
  readonly issued: string;
  readonly sig: string;
}

export type Unsigned<T> = Omit<T, 'sig'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const time = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'must be an RFC 3339 UTC time');
const region = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a region id');
const sig = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a base64url Ed25519 signature');

const schema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('accredit'),
    id: z.string().regex(UUID, 'must be a UUID'),
    region,
    issuer: z.string().regex(/^did:[a-z0-9]+:\S+$/, 'must be a DID').max(200),
    credentialTypes: z.array(z.string().min(1).max(200)).min(1).max(50),
    jurisdiction: z.string().min(1).max(200),
    validFrom: time,
    validUntil: time.optional(),
    issued: time,
    sig,
  }),
  z.strictObject({
    type: z.literal('withdraw'),
    id: z.string().regex(UUID, 'must be a UUID'),
    region,
    withdraws: z.string().regex(UUID, 'must be a UUID'),
    issued: time,
    sig,
  }),
]);

export function parseTrustEntry(value: unknown): TrustEntry {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(`trust entry: /${issue.path.join('/')} ${issue.message}`);
  }
  const entry = parsed.data as TrustEntry;
  if (entry.type === 'accredit' && entry.validUntil !== undefined && entry.validUntil <= entry.validFrom) {
    throw new InvalidInputError('trust entry: /validUntil must be after validFrom');
  }
  return entry;
}

/** The bytes a governance key signs: the JCS form of the entry without `sig`. */
export function trustSigningBytes(entry: Unsigned<TrustEntry>): Uint8Array {
  const { sig: _sig, ...unsigned } = entry as TrustEntry;
  return canonicalBytes(unsigned);
}

export function signTrustEntry<T extends TrustEntry>(entry: Unsigned<T>, governanceKey: KeyObject): T {
  return { ...entry, sig: sign(null, trustSigningBytes(entry), governanceKey).toString('base64url') } as T;
}

/** Throws unless `governanceKey` (the genesis key of the entry's region) signed the entry. */
export function verifyTrustEntry(entry: TrustEntry, governanceKey: KeyObject): void {
  if (!verify(null, trustSigningBytes(entry), governanceKey, Buffer.from(entry.sig, 'base64url'))) {
    throw new InvalidSignatureError(`the trust entry ${entry.id} is not signed by the governance key of region ${entry.region}`);
  }
}

/**
 * A `trust` entry of `log` as a mirror or an audit accepts it: well formed, speaking for the
 * log's own region, and signed by that region's genesis governance key.
 */
export function checkTrustEntry(payload: unknown, log: string, governanceKey: KeyObject | undefined): TrustEntry {
  const entry = parseTrustEntry(payload);
  if (entry.region !== log) throw new InvalidInputError(`the entry speaks for region ${entry.region}`);
  if (!governanceKey) throw new InvalidInputError('no governance key to check it against');
  verifyTrustEntry(entry, governanceKey);
  return entry;
}

/** An accreditation as the folded trust list holds it. */
export interface TrustListItem {
  readonly accreditation: Accreditation;
  /** Where it is on the ledger. */
  readonly log: string;
  readonly index: number;
}

/**
 * The current trust list from every region's `trust` entries, in ledger order per log:
 * accreditations not withdrawn by a later entry of the same region. Validity periods are
 * not applied here (see activeAt): the list shows what is on the ledger.
 */
export function foldTrustList(entries: readonly { entry: TrustEntry; log: string; index: number }[]): TrustListItem[] {
  const current = new Map<string, TrustListItem>();
  for (const { entry, log, index } of entries) {
    if (entry.type === 'accredit') current.set(`${entry.region}/${entry.id}`, { accreditation: entry, log, index });
    else current.delete(`${entry.region}/${entry.withdraws}`);
  }
  return [...current.values()];
}

/** Whether an accreditation is within its validity period at `at`. */
export const activeAt = (accreditation: Accreditation, at: Date): boolean =>
  Date.parse(accreditation.validFrom) <= at.getTime() && (accreditation.validUntil === undefined || at.getTime() < Date.parse(accreditation.validUntil));

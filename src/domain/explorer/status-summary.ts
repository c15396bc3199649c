import { decodeBitstring } from '../status/bitstring-status-list.js';
import type { StatusListEntryPayload } from '../status/status-list-entry.js';
import { TokenStatusList } from '../status/token-status-list.js';

/**
 * What the explorer shows of a status list: how big it is and how many statuses are set, by
 * kind. Never which index is set: an index is a credential, and the list exists to hide it.
 */
export interface StatusListSummary {
  readonly id: string;
  readonly issuer: string;
  readonly version: number;
  readonly format: 'vc+jwt' | 'statuslist+jwt';
  /** `revocation` or `suspension` (bitstring); `revocation+suspension` (token list). */
  readonly purpose: string;
  /** How many credentials the list can hold. */
  readonly size: number;
  /** How many of them have a status set (revoked or suspended). */
  readonly set: number;
  /** Token lists: set statuses by meaning. */
  readonly revoked?: number;
  readonly suspended?: number;
  readonly validUntil: string | null;
}

/** The claims of a compact JWS, unverified (the list's signature was checked when it was appended or mirrored). */
function jwsPayload(token: string): Record<string, unknown> {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Set bits in a byte array. */
export function countSetBits(bytes: Uint8Array): number {
  let count = 0;
  for (let byte of bytes) {
    while (byte) {
      byte &= byte - 1;
      count++;
    }
  }
  return count;
}

/** Summarizes one published version of a list; a token that does not decode throws an InvalidInputError. */
export async function summarizeStatusList(entry: StatusListEntryPayload): Promise<StatusListSummary> {
  const claims = jwsPayload(entry.token);
  const base = { id: entry.id, issuer: entry.issuer, version: entry.version, format: entry.format };
  if (entry.format === 'vc+jwt') {
    const subject = (claims.credentialSubject ?? {}) as { statusPurpose?: unknown; encodedList?: unknown };
    const bits = await decodeBitstring(String(subject.encodedList ?? ''));
    return { ...base, purpose: String(subject.statusPurpose ?? ''), size: bits.length, set: countSetBits(bits.bits), validUntil: typeof claims.validUntil === 'string' ? claims.validUntil : null };
  }
  const list = TokenStatusList.decode((claims.status_list ?? {}) as { bits?: unknown; lst?: unknown });
  let revoked = 0;
  let suspended = 0;
  let set = 0;
  for (let i = 0; i < list.size; i++) {
    const value = list.get(i);
    if (value === 0) continue;
    set++;
    if (value === 0x01) revoked++;
    else if (value === 0x02) suspended++;
  }
  return { ...base, purpose: 'revocation+suspension', size: list.size, set, revoked, suspended, validUntil: typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : null };
}

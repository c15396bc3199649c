import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../domain/errors.js';
import { parseStatusListEntry, STATUS_LIST_ID } from '../../domain/status/status-list-entry.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { decodeJws } from '../registry/did-jws.js';

export interface ServedList {
  readonly token: string;
  readonly format: 'vc+jwt' | 'statuslist+jwt';
  readonly etag: string;
  readonly maxAgeSeconds: number;
}

/** Serves the newest version of any list, either region's, from this region's own ledger copy. */
@Injectable()
export class StatusListReader {
  constructor(private readonly ledger: LedgerRepository) {}

  async latest(id: string): Promise<ServedList> {
    const row = STATUS_LIST_ID.test(id) ? await this.ledger.latestStatusList(id) : null;
    const entry = row ? parseStatusListEntry((JSON.parse(row.entry) as { payload?: unknown }).payload) : undefined;
    if (!entry) throw new NotFoundError(`no status list ${id} in this region's ledger copy`);
    const claims = decodeJws(entry.token)?.payload ?? {};
    // Bitstring lists state ttl in milliseconds and validUntil; token lists ttl in seconds and exp.
    const subject = (claims.credentialSubject ?? {}) as { ttl?: unknown };
    const ttl = entry.format === 'vc+jwt' ? (typeof subject.ttl === 'number' ? subject.ttl / 1000 : undefined) : typeof claims.ttl === 'number' ? claims.ttl : undefined;
    const until = entry.format === 'vc+jwt' ? (typeof claims.validUntil === 'string' ? Date.parse(claims.validUntil) : undefined) : typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
    const remaining = until === undefined || Number.isNaN(until) ? Infinity : (until - Date.now()) / 1000;
    const maxAgeSeconds = Math.max(0, Math.floor(Math.min(ttl ?? 0, remaining)));
    return { token: entry.token, format: entry.format, etag: `"${id}.${entry.version}"`, maxAgeSeconds };
  }
}

import { parseOperation, type ChainItem } from '../../domain/did/index.js';
import type { LedgerEntryEntity } from '../ledger/ledger.entity.js';

/** Stored `did-op` rows as the folding input of the domain. */
export function chainItems(rows: readonly LedgerEntryEntity[]): ChainItem[] {
  return rows.map((row) => {
    const entry = JSON.parse(row.entry) as { time: string; payload: { operation: unknown } };
    return { operation: parseOperation(entry.payload.operation), time: new Date(entry.time), log: row.log, index: row.index };
  });
}

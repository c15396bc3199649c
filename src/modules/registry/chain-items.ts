import { parseOperation, type ChainItem, type DidOperation } from '../../domain/did/index.js';
import type { LedgerEntryEntity } from '../ledger/ledger.entity.js';

// The operation of a row this process has just written: already parsed and checked, so the
// chain it starts is folded without parsing its text again (the resolver caches a new DID's chain).
const written = new WeakMap<LedgerEntryEntity, DidOperation>();

/** Remembers the parsed operation a row written by this process holds (its entry's payload.operation). */
export function rememberOperation(row: LedgerEntryEntity, operation: DidOperation): void {
  written.set(row, operation);
}

/** Stored `did-op` rows as the folding input of the domain. */
export function chainItems(rows: readonly LedgerEntryEntity[]): ChainItem[] {
  return rows.map((row) => {
    const operation = written.get(row);
    if (operation) return { operation, time: new Date(row.time), log: row.log, index: row.index };
    const entry = JSON.parse(row.entry) as { time: string; payload: { operation: unknown } };
    return { operation: parseOperation(entry.payload.operation), time: new Date(entry.time), log: row.log, index: row.index };
  });
}

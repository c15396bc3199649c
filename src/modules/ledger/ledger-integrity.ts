import { Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/errors.js';
import { entryLeafHash, MerkleFrontier, parseCheckpoint, parseLedgerEntry, verifyNote } from '../../domain/ledger/index.js';
import { logOrigin } from '../../domain/network/genesis.js';
import { NetworkService } from '../network/network.service.js';
import type { LedgerEntryEntity } from './ledger.entity.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';

/** The ledger's data does not match what its signed checkpoints commit to. */
export class LedgerIntegrityError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('UNAVAILABLE', message, details);
  }
}

/**
 * Checks stored entries against the signed checkpoints before they are served as the truth:
 * an entry altered in the database no longer hashes to a leaf under a signed root.
 */
@Injectable()
export class LedgerIntegrity {
  /** Per log, the frontier of the leaves proved to give a signed checkpoint root. */
  private readonly verified = new Map<string, MerkleFrontier>();

  constructor(
    private readonly repository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly network: NetworkService,
  ) {}

  /** Throws unless every given entry hashes to the leaf a signed checkpoint commits to. */
  async checkEntries(rows: readonly LedgerEntryEntity[]): Promise<void> {
    const byLog = new Map<string, LedgerEntryEntity[]>();
    for (const row of rows) byLog.set(row.log, [...(byLog.get(row.log) ?? []), row]);
    for (const [log, entries] of byLog) {
      const size = await this.verifiedTreeSize(log, Math.max(...entries.map((e) => e.index)) + 1);
      const leaves = await this.ledger.leafHashes(log, size);
      for (const row of entries) {
        let leaf: Uint8Array;
        try {
          const entry = parseLedgerEntry(JSON.parse(row.entry));
          if (entry.log !== log || entry.index !== row.index) throw new Error('position');
          leaf = entryLeafHash(entry);
        } catch {
          throw new LedgerIntegrityError(`entry ${log}/${row.index} is malformed in storage`);
        }
        if (!Buffer.from(leaf).equals(Buffer.from(leaves[row.index]!))) {
          throw new LedgerIntegrityError(`entry ${log}/${row.index} does not match the signed log`);
        }
      }
    }
  }

  /** A signed checkpoint size ≥ `atLeast` whose root the stored leaf hashes reproduce. */
  private async verifiedTreeSize(log: string, atLeast: number): Promise<number> {
    const known = this.verified.get(log) ?? MerkleFrontier.empty();
    if (known.size >= atLeast) return known.size;
    const checkpoint = await this.repository.latestCheckpoint(log);
    const region = this.network.region(log);
    if (!checkpoint || !region) throw new LedgerIntegrityError(`no signed checkpoint of log "${log}" covers entry ${atLeast - 1}`);
    let size: number;
    let root: Uint8Array;
    try {
      const { text } = verifyNote(checkpoint.note, [region.logKey]);
      ({ size, rootHash: root } = parseCheckpoint(text));
      if (parseCheckpoint(text).origin !== logOrigin(log)) throw new Error('origin');
    } catch {
      throw new LedgerIntegrityError(`the stored checkpoint of log "${log}" does not verify against the genesis`);
    }
    if (size < atLeast) throw new LedgerIntegrityError(`no signed checkpoint of log "${log}" covers entry ${atLeast - 1}`);
    // Only the leaves added since the last proof are hashed in: O(new entries), not O(log size).
    const leaves = await this.ledger.leafHashes(log, size);
    const next = known.copy();
    for (let i = next.size; i < size; i++) next.append(leaves[i]!);
    if (!Buffer.from(next.root()).equals(Buffer.from(root))) {
      throw new LedgerIntegrityError(`the stored entries of log "${log}" do not give the root of its signed checkpoint`);
    }
    this.verified.set(log, next);
    return size;
  }
}

import { Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/errors.js';
import { entryLeafHash, MerkleFrontier, parseCheckpoint, parseLedgerEntry, parseNote, verifyNote } from '../../domain/ledger/index.js';
import { logOrigin } from '../../domain/network/genesis.js';
import { NetworkService } from '../network/network.service.js';
import type { LedgerEntryEntity } from './ledger.entity.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';

const GOOD_NOTES_MAX = 64;

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
  private readonly advancing = new Map<string, Promise<void>>();
  private readonly goodNotes = new Set<string>();

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
    let advanced = false;
    for (;;) {
      const known = this.verified.get(log)?.size ?? 0;
      if (known >= atLeast) return known;
      if (advanced) throw new LedgerIntegrityError(`no signed checkpoint of log "${log}" covers entry ${atLeast - 1}`);
      // Concurrent readers of new entries share one check of the newest checkpoint.
      let running = this.advancing.get(log);
      if (running) {
        await running;
        if ((this.verified.get(log)?.size ?? 0) >= atLeast) continue;
      }
      running = this.advance(log).finally(() => this.advancing.delete(log));
      this.advancing.set(log, running);
      await running;
      advanced = true;
    }
  }

  /** Moves the proved frontier of `log` to its newest signed checkpoint. */
  private async advance(log: string): Promise<void> {
    const known = this.verified.get(log) ?? MerkleFrontier.empty();
    const checkpoint = await this.repository.latestCheckpoint(log);
    const region = this.network.region(log);
    if (!checkpoint || !region) return;
    let size: number;
    let root: Uint8Array;
    try {
      // A note already found good is not verified again (a changed note is a different string).
      const text = this.goodNotes.has(checkpoint.note) ? parseNote(checkpoint.note).text : verifyNote(checkpoint.note, [region.logKey]).text;
      const body = parseCheckpoint(text);
      if (body.origin !== logOrigin(log)) throw new Error('origin');
      ({ size, rootHash: root } = body);
    } catch {
      throw new LedgerIntegrityError(`the stored checkpoint of log "${log}" does not verify against the genesis`);
    }
    if (size <= known.size) return;
    // Only the leaves added since the last proof are hashed in: O(new entries), not O(log size).
    const leaves = await this.ledger.leafHashes(log, size);
    const next = known.copy();
    for (let i = next.size; i < size; i++) next.append(leaves[i]!);
    if (!Buffer.from(next.root()).equals(Buffer.from(root))) {
      throw new LedgerIntegrityError(`the stored entries of log "${log}" do not give the root of its signed checkpoint`);
    }
    if (this.goodNotes.size >= GOOD_NOTES_MAX) this.goodNotes.clear();
    this.goodNotes.add(checkpoint.note);
    if ((this.verified.get(log)?.size ?? 0) < size) this.verified.set(log, next);
  }
}

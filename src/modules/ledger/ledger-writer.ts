import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.module.js';
import { canonicalEntry, formatCheckpoint, MerkleFrontier, signNote, type EntryKind, type LedgerEntry } from '../../domain/ledger/index.js';
import { logOrigin } from '../../domain/network/genesis.js';
import { NetworkService } from '../network/network.service.js';
import type { LedgerEntryEntity } from './ledger.entity.js';
import { LedgerRepository } from './ledger.repository.js';

/** What a caller asks to append to this region's log. */
export interface AppendRequest {
  readonly kind: EntryKind;
  /**
   * The DID the request concerns, when known before `prepare` (a create's): the committed
   * entries of every such DID of a batch are read in one query, not one per request.
   */
  readonly did?: string;
  /**
   * Runs inside the append transaction, after every earlier request of the batch: checks the
   * request against the log as it is and returns what to append, or throws a DomainError to
   * refuse this request alone.
   */
  readonly prepare: (view: BatchView) => Promise<PreparedEntry>;
  /** Told the row its entry became (before the transaction commits and listeners run). */
  readonly written?: (row: LedgerEntryEntity) => void;
}

export interface PreparedEntry {
  readonly payload: Record<string, unknown>;
  /** For `did-op`: the DID and the operation's hash. */
  readonly did?: string;
  readonly ref?: string;
}

/** The log as a check sees it: what is committed plus what this batch has accepted so far. */
export interface BatchView {
  readonly tx: EntityManager;
  /** Entries of the DID, committed and pending, oldest first. */
  didEntries(did: string): Promise<LedgerEntryEntity[]>;
  /** The entry whose ref is given, committed or pending. */
  entryByRef(ref: string): Promise<LedgerEntryEntity | null>;
  /** The entries of `kind` this batch has accepted so far (not yet committed). */
  pending(kind: EntryKind): readonly LedgerEntryEntity[];
}

interface Pending {
  readonly request: AppendRequest;
  readonly resolve: (entry: LedgerEntryEntity) => void;
  readonly reject: (error: unknown) => void;
}

const MAX_BATCH = 500;
/** How long a batch waits for company: bounds the added latency of an append. */
const BATCH_LINGER_MS = 2;

/**
 * The one way entries reach this region's own log. Requests queue while a batch is being
 * written; the next batch takes them all, checks each, appends the accepted ones with
 * consecutive indexes and signs one checkpoint for the new size, all in one transaction.
 */
@Injectable()
export class LedgerWriter {
  private queue: Pending[] = [];
  private running = false;
  private readonly listeners: ((entries: LedgerEntryEntity[]) => void)[] = [];
  private readonly barriers: (() => Promise<void>)[] = [];
  readonly log: string;

  constructor(
    private readonly repository: LedgerRepository,
    private readonly network: NetworkService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.log = network.self.id;
  }

  append(request: AppendRequest): Promise<LedgerEntryEntity> {
    if (request.kind === 'did-op' && this.barriers.length > 0) return Promise.all(this.barriers.map((barrier) => barrier())).then(() => this.enqueue(request));
    return this.enqueue(request);
  }

  /** Work that must reach the log before any DID operation appended after it (issuance anchors). */
  beforeDidOperations(barrier: () => Promise<void>): void {
    this.barriers.push(barrier);
  }

  private enqueue(request: AppendRequest): Promise<LedgerEntryEntity> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Group commit: wait a moment for concurrent requests to join the batch.
        setTimeout(() => void this.drain(), BATCH_LINGER_MS);
      }
    });
  }

  /** Called after each committed batch (cache invalidation, replication hints). */
  onAppended(listener: (entries: LedgerEntryEntity[]) => void): void {
    this.listeners.push(listener);
  }

  /** Signs a checkpoint for the current head if none exists yet (first start of an empty log). */
  async ensureCheckpoint(): Promise<void> {
    await this.repository.withLogLock(this.log, async (tx, head) => {
      const latest = await this.repository.latestCheckpoint(this.log);
      if (latest && latest.size === head.size) return;
      const root = head.rootHash ?? MerkleFrontier.empty().rootBase64();
      await this.repository.insertCheckpoint(tx, this.checkpointRow(head.size, root));
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.writeBatch(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const outcomes = new Map<Pending, { entry?: LedgerEntryEntity; error?: unknown }>();
    let written: LedgerEntryEntity[];
    try {
      written = await this.repository.withLogLock(this.log, async (tx, head) => {
        outcomes.clear();
        const frontier = MerkleFrontier.fromJSON(head.frontier);
        const rows: LedgerEntryEntity[] = [];
        let lastTime = head.lastTime;
        const named = [...new Set(batch.map((p) => p.request.did).filter((did): did is string => did !== undefined))];
        const committed = new Map<string, LedgerEntryEntity[]>(named.map((did) => [did, []]));
        if (named.length > 0) for (const row of await this.repository.didEntriesOf(named, tx)) committed.get(row.did!)?.push(row);
        const view: BatchView = {
          tx,
          didEntries: async (did) => [...(committed.get(did) ?? (await this.repository.didEntries(did, tx))), ...rows.filter((r) => r.did === did)],
          entryByRef: async (ref) => rows.find((r) => r.ref === ref && r.kind === 'did-op') ?? (await this.repository.entryByRef(ref, tx)),
          pending: (kind) => rows.filter((r) => r.kind === kind),
        };
        for (const pending of batch) {
          let prepared: PreparedEntry;
          try {
            prepared = await pending.request.prepare(view);
          } catch (error) {
            outcomes.set(pending, { error });
            continue;
          }
          // Entry times never go backwards within a log, whatever the wall clock does.
          const now = new Date().toISOString();
          const time = lastTime !== null && lastTime > now ? lastTime : now;
          lastTime = time;
          const entry: LedgerEntry = { v: 1, log: this.log, index: head.size + rows.length, time, kind: pending.request.kind, payload: prepared.payload };
          // One canonicalization: the stored text is what the leaf hashes.
          const { json, leaf } = canonicalEntry(entry);
          frontier.append(leaf);
          const row: LedgerEntryEntity = {
            log: this.log,
            index: entry.index,
            kind: entry.kind,
            did: prepared.did ?? null,
            ref: prepared.ref ?? null,
            time,
            entry: json,
            leafHash: Buffer.from(leaf).toString('base64'),
            rootHash: frontier.rootBase64(),
          };
          rows.push(row);
          pending.request.written?.(row);
          outcomes.set(pending, { entry: row });
        }
        if (rows.length === 0) return rows;
        const size = head.size + rows.length;
        const root = frontier.rootBase64();
        await this.repository.insertEntries(tx, rows, { log: this.log, size, rootHash: root, frontier: JSON.stringify(frontier.toJSON()), updatedAt: lastTime! });
        await this.repository.insertCheckpoint(tx, this.checkpointRow(size, root));
        return rows;
      });
    } catch (error) {
      this.logger.error({ err: error, batch: batch.length }, 'ledger append failed');
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const pending of batch) {
      const outcome = outcomes.get(pending)!;
      if (outcome.entry) pending.resolve(outcome.entry);
      else pending.reject(outcome.error);
    }
    if (written.length > 0) for (const listener of this.listeners) listener(written);
  }

  private checkpointRow(size: number, rootBase64: string) {
    const body = formatCheckpoint({ origin: logOrigin(this.log), size, rootHash: Buffer.from(rootBase64, 'base64') });
    const note = signNote(body, [this.network.keys.logKey]);
    return { log: this.log, size, rootHash: rootBase64, note, createdAt: new Date().toISOString() };
  }
}

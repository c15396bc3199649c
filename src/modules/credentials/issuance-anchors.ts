import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.module.js';
import { MAX_ANCHOR_DIGESTS } from '../../domain/credentials/anchor.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import type { CredentialRecordEntity } from './credential-record.entity.js';
import { CredentialRecordRepository } from './credential-record.repository.js';

interface Waiting {
  readonly digest: string;
  readonly record: CredentialRecordEntity | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** How long a stored digest waits for company before its `anchor` entry is requested. */
const ANCHOR_INTERVAL_MS = 20;

/**
 * Anchors issued credentials on this region's log (docs/credentials.md). `anchor` resolves once
 * the digest is durably in the outbox (`credential_anchor_pending`) and the credential's record
 * stored: those of one event-loop turn's issuances go in one transaction of two multi-row
 * inserts. Issuance answers then, without waiting for the ledger. Stored digests are
 * appended every 20 ms (or at once when 256 are ready) as one `anchor` entry through the ledger
 * writer, whose transaction also deletes them from the outbox; what a crash leaves there is
 * anchored at the next boot. Many concurrent issuances become few entries.
 */
@Injectable()
export class IssuanceAnchors implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private storing: Waiting[] = [];
  private ready: string[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  private storeRun: Promise<void> | undefined;

  constructor(
    private readonly writer: LedgerWriter,
    private readonly records: CredentialRecordRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // A DID update could remove the key that signed credentials answered a moment ago: their
    // anchors go on the log before any DID operation does.
    writer.beforeDidOperations(() => this.settle());
  }

  /** Appends every digest stored or being stored now, and waits until they are on the log. */
  async settle(): Promise<void> {
    if (this.storing.length > 0) await this.store();
    await this.storeRun;
    while (this.flushing || this.ready.length > 0) {
      if (!this.flushing) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.flushing = this.flush();
      }
      await this.flushing;
    }
  }

  /** Digests a crash left in the outbox go on the ledger first. */
  async onApplicationBootstrap(): Promise<void> {
    const left = await this.records.pendingAnchors();
    if (left.length === 0) return;
    this.logger.info({ count: left.length }, 'anchoring credentials issued before a restart');
    this.enqueue(left);
  }

  /** Appends what is ready before the database closes; the outbox keeps anything this misses. */
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.ready.length > 0) await this.flush();
    this.stopped = true;
  }

  /**
   * Resolves when the digest is stored for anchoring (durable) and the record, if any, with it;
   * the entry follows within ~20 ms. Rejects when either could not be stored (neither is then).
   */
  anchor(digest: string, record?: CredentialRecordEntity): Promise<void> {
    return new Promise((resolve, reject) => {
      this.storing.push({ digest, record, resolve, reject });
      if (this.storing.length === 1) setImmediate(() => void this.store());
    });
  }

  private async store(): Promise<void> {
    const batch = this.storing;
    this.storing = [];
    if (batch.length === 0) return;
    let done!: () => void;
    this.storeRun = new Promise((resolve) => (done = resolve));
    const stored = await this.insert(batch);
    // Only stored digests are queued: the entry's transaction deletes what it anchors.
    this.enqueue(stored.map((w) => w.digest));
    for (const w of stored) w.resolve();
    done();
  }

  /**
   * Stores the batch in one transaction; if that fails, each issuance alone, so one bad record
   * (an id issued concurrently) fails only its own request. Returns what was stored.
   */
  private async insert(batch: readonly Waiting[]): Promise<readonly Waiting[]> {
    const records = (of: readonly Waiting[]) => of.flatMap((w) => (w.record ? [w.record] : []));
    try {
      await this.records.insertIssued(records(batch), [...new Set(batch.map((w) => w.digest))]);
      return batch;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return [];
      }
    }
    const stored: Waiting[] = [];
    for (const w of batch) {
      await this.records.insertIssued(records([w]), [w.digest]).then(() => stored.push(w), w.reject);
    }
    return stored;
  }

  private enqueue(digests: readonly string[]): void {
    this.ready.push(...digests);
    if (this.flushing || this.stopped) return;
    if (this.ready.length >= MAX_ANCHOR_DIGESTS) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flushing = this.flush();
    } else this.timer ??= setTimeout(() => (this.flushing = this.flush()), ANCHOR_INTERVAL_MS);
  }

  /** Appends one entry of what is ready; what arrives meanwhile waits for the next. */
  private async flush(): Promise<void> {
    this.timer = undefined;
    // The same token issued twice (deterministic EdDSA, same claims, same millisecond) is one digest.
    const digests = [...new Set(this.ready.splice(0, MAX_ANCHOR_DIGESTS))];
    try {
      if (digests.length > 0) {
        await this.writer.append({
          kind: 'anchor',
          prepare: async (view) => {
            await this.records.deletePendingAnchors(view.tx, digests);
            return { payload: { digests } };
          },
        });
      }
    } catch (error) {
      // Still in the outbox: retried with the next entry, or at the next boot.
      this.logger.error({ err: error, count: digests.length }, 'issuance anchors could not be appended; retrying');
      this.ready.unshift(...digests);
    } finally {
      this.flushing = undefined;
      if (this.ready.length > 0) this.enqueue([]);
    }
  }
}

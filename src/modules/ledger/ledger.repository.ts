import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { parseAnchorPayload } from '../../domain/credentials/anchor.js';
import { placeholders, rawQuery } from '../../database/raw-query.js';
import type { LedgerPosition } from '../../domain/did/index.js';
import { CheckpointEntity, CredentialAnchorEntity, LedgerEntryEntity, LedgerHeadEntity } from './ledger.entity.js';

/** The stored form of a MerkleFrontier. */
export type FrontierJson = { size: number; hashes: string[] } | string[];

export interface LogHead {
  readonly log: string;
  readonly size: number;
  readonly rootHash: string | null;
  readonly frontier: FrontierJson;
  /** Time of the last entry (entry times never go backwards within a log). */
  readonly lastTime: string | null;
}

/** A head row as the rest of the code sees it ('' marks a log with no entries yet). */
function toHead(row: LedgerHeadEntity): LogHead {
  return {
    log: row.log,
    size: row.size,
    rootHash: row.rootHash === '' ? null : row.rootHash,
    frontier: JSON.parse(row.frontier) as FrontierJson,
    lastTime: row.updatedAt === '' ? null : row.updatedAt,
  };
}

/** The only code that touches the ledger tables. */
@Injectable()
export class LedgerRepository {
  /** SQLite has one writer; this keeps this process's appends from interleaving their transactions. */
  private sqliteTail: Promise<unknown> = Promise.resolve();
  /** Logs whose head row this process has seen committed. */
  private readonly heads = new Set<string>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  get isPostgres(): boolean {
    return this.db.options.type === 'postgres';
  }

  /**
   * Runs `work` in one transaction holding the log's write lock: `SELECT … FOR UPDATE` of the
   * head row on PostgreSQL (so replicas on one database serialize), the single writer on SQLite.
   */
  async withLogLock<T>(log: string, work: (tx: EntityManager, head: LogHead) => Promise<T>): Promise<T> {
    const run = () =>
      this.db.transaction(async (tx) => {
        // The head row is never deleted: once this process has seen it committed, it is not inserted again.
        if (!this.heads.has(log)) {
          await tx
            .createQueryBuilder()
            .insert()
            .into(LedgerHeadEntity)
            .values({ log, size: 0, rootHash: '', frontier: '[]', updatedAt: '' })
            .orIgnore()
            .execute();
        }
        const query = tx.getRepository(LedgerHeadEntity).createQueryBuilder('h').where('h.log = :log', { log });
        const row = (this.isPostgres ? await query.setLock('pessimistic_write').getOne() : await query.getOne())!;
        const result = await work(tx, toHead(row));
        return { result, committed: () => this.heads.add(log) };
      }).then(({ result, committed }) => {
        committed();
        return result;
      });
    if (this.isPostgres) return run();
    const result = this.sqliteTail.then(run, run);
    this.sqliteTail = result.catch(() => undefined);
    return result;
  }

  async insertEntries(tx: EntityManager, rows: LedgerEntryEntity[], head: Omit<LedgerHeadEntity, 'log'> & { log: string }): Promise<void> {
    // Chunked: PostgreSQL and SQLite cap the parameters of one statement.
    for (let i = 0; i < rows.length; i += 100) await tx.insert(LedgerEntryEntity, rows.slice(i, i + 100));
    // The digest index of `anchor` entries, in the same transaction: writer and mirror alike.
    const anchors = rows.flatMap((row) =>
      row.kind === 'anchor' ? (parseAnchorPayload((JSON.parse(row.entry) as { payload?: unknown }).payload) ?? []).map((digest) => ({ digest, log: row.log, index: row.index })) : [],
    );
    for (let i = 0; i < anchors.length; i += 200) await tx.insert(CredentialAnchorEntity, anchors.slice(i, i + 200));
    await tx.update(LedgerHeadEntity, { log: head.log }, head);
  }

  /** Where a credential digest was anchored, in any log (usually one place). */
  async anchorsOf(digest: string): Promise<LedgerPosition[]> {
    const rows = await this.db.getRepository(CredentialAnchorEntity).find({ where: { digest }, order: { log: 'ASC', index: 'ASC' } });
    return rows.map((r) => ({ log: r.log, index: r.index }));
  }

  async insertCheckpoint(tx: EntityManager, checkpoint: CheckpointEntity): Promise<void> {
    await tx.insert(CheckpointEntity, checkpoint);
  }

  async head(log: string): Promise<LogHead> {
    const row = await this.db.getRepository(LedgerHeadEntity).findOneBy({ log });
    return row ? toHead(row) : { log, size: 0, rootHash: null, frontier: [], lastTime: null };
  }

  entries(log: string, start: number, limit: number, manager: EntityManager = this.db.manager): Promise<LedgerEntryEntity[]> {
    return manager
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('e')
      .where('e.log = :log AND e.idx >= :start', { log, start })
      .orderBy('e.idx', 'ASC')
      .limit(limit)
      .getMany();
  }

  entry(log: string, index: number): Promise<LedgerEntryEntity | null> {
    return this.db.getRepository(LedgerEntryEntity).findOneBy({ log, index });
  }

  /** Leaf hashes of entries `start` ≤ index < `end`, in order (for proofs). */
  async leafHashes(log: string, start: number, end: number): Promise<string[]> {
    const rows = await this.db
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('e')
      .select('e.leaf_hash', 'leafHash')
      .where('e.log = :log AND e.idx >= :start AND e.idx < :end', { log, start, end })
      .orderBy('e.idx', 'ASC')
      .getRawMany<{ leafHash: string }>();
    return rows.map((r) => r.leafHash);
  }

  didEntries(did: string, manager: EntityManager = this.db.manager): Promise<LedgerEntryEntity[]> {
    return manager
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('e')
      .where('e.did = :did', { did })
      .orderBy('e.log', 'ASC')
      .addOrderBy('e.idx', 'ASC')
      .getMany();
  }

  /** The entries of several DIDs in one query (a mirror's chunk), per log in ledger order. */
  didEntriesOf(dids: readonly string[], manager: EntityManager = this.db.manager): Promise<LedgerEntryEntity[]> {
    if (dids.length === 0) return Promise.resolve([]);
    return manager
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('e')
      .where({ did: In([...dids]) })
      .orderBy('e.log', 'ASC')
      .addOrderBy('e.idx', 'ASC')
      .getMany();
  }

  /** The index of the newest entry of each DID given: cheap freshness check for cached folds. */
  async latestDidIndexes(dids: string[]): Promise<Map<string, number>> {
    if (dids.length === 0) return new Map();
    const rows = await rawQuery<{ did: string; idx: number | string }>(this.db, `SELECT "did", MAX("idx") AS "idx" FROM "ledger_entry" WHERE "did" IN (${placeholders(dids.length)}) GROUP BY "did"`, dids);
    return new Map(rows.map((r) => [r.did, Number(r.idx)]));
  }

  /** The `did-op` entry whose operation hash is `ref` (how an update finds its DID). */
  entryByRef(ref: string, manager: EntityManager = this.db.manager): Promise<LedgerEntryEntity | null> {
    return manager.getRepository(LedgerEntryEntity).findOneBy({ ref, kind: 'did-op' });
  }

  /** The newest version of a status list (its `status-list` entries carry the list id as ref), from any log. */
  latestStatusList(id: string): Promise<LedgerEntryEntity | null> {
    return this.db.getRepository(LedgerEntryEntity).findOne({ where: { ref: id, kind: 'status-list' }, order: { index: 'DESC' } });
  }

  /** Per log, the index of its newest entry of `kind` (a cheap freshness check for folded trust lists). */
  async newestOfKind(kind: string): Promise<string> {
    const rows = await rawQuery<{ log: string; idx: number | string }>(this.db, 'SELECT "log", MAX("idx") AS "idx" FROM "ledger_entry" WHERE "kind" = ? GROUP BY "log" ORDER BY "log" ASC', [kind]);
    return rows.map((r) => `${r.log}:${Number(r.idx)}`).join(',');
  }

  /** Every entry of `kind`, per log in ledger order. */
  entriesOfKind(kind: string): Promise<LedgerEntryEntity[]> {
    return this.db.getRepository(LedgerEntryEntity).find({ where: { kind }, order: { log: 'ASC', index: 'ASC' } });
  }

  /** Where the newest version of each list is, without loading it: one indexed query for a credential's lists. */
  async latestStatusListPositions(ids: readonly string[]): Promise<Map<string, { log: string; index: number }>> {
    if (ids.length === 0) return new Map();
    const rows = await rawQuery<{ ref: string; log: string; idx: number | string }>(
      this.db,
      `SELECT "ref", "log", MAX("idx") AS "idx" FROM "ledger_entry" WHERE "ref" IN (${placeholders(ids.length)}) AND "kind" = 'status-list' GROUP BY "ref", "log"`,
      ids,
    );
    return new Map(rows.map((r) => [r.ref, { log: r.log, index: Number(r.idx) }]));
  }

  latestCheckpoint(log: string): Promise<CheckpointEntity | null> {
    return this.db.getRepository(CheckpointEntity).findOne({ where: { log }, order: { size: 'DESC' } });
  }
}

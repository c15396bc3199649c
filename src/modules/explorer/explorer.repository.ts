import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, LessThan } from 'typeorm';
import type { BucketCount } from '../../domain/explorer/chart.js';
import { CheckpointEntity, LedgerEntryEntity } from '../ledger/ledger.entity.js';

/** The explorer's read-only queries over the ledger tables that the ledger repository has no use for. */
@Injectable()
export class ExplorerRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The newest `limit` entries of a log, newest first. */
  newestEntries(log: string, limit: number): Promise<LedgerEntryEntity[]> {
    return this.db.getRepository(LedgerEntryEntity).find({ where: { log }, order: { index: 'DESC' }, take: limit });
  }

  /** The signed checkpoint of a log at one size, if this region holds one. */
  checkpointAt(log: string, size: number): Promise<CheckpointEntity | null> {
    return this.db.getRepository(CheckpointEntity).findOneBy({ log, size });
  }

  /** The size of the newest checkpoint of a log before `size` (what a consistency check starts from by default). */
  async previousCheckpointSize(log: string, size: number): Promise<number | null> {
    const row = await this.db.getRepository(CheckpointEntity).findOne({ where: { log, size: LessThan(size) }, order: { size: 'DESC' }, select: { size: true } });
    return row?.size ?? null;
  }

  /** The time of the first and the last entry of every log. */
  async timeSpan(): Promise<{ first: string | null; last: string | null }> {
    const row = await this.db.getRepository(LedgerEntryEntity).createQueryBuilder('e').select('MIN(e.time)', 'first').addSelect('MAX(e.time)', 'last').getRawOne<{ first: string | null; last: string | null }>();
    return { first: row?.first ?? null, last: row?.last ?? null };
  }

  /** Entries per log and time bucket, a bucket being the first `prefix` characters of the RFC 3339 time. */
  async entriesPerBucket(prefix: number): Promise<BucketCount[]> {
    const rows = await this.db
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('e')
      .select('e.log', 'log')
      .addSelect(`SUBSTR(e.time, 1, ${Number(prefix)})`, 'bucket')
      .addSelect('COUNT(*)', 'count')
      .groupBy('e.log')
      .addGroupBy(`SUBSTR(e.time, 1, ${Number(prefix)})`)
      .getRawMany<{ log: string; bucket: string; count: number | string }>();
    return rows.map((r) => ({ log: r.log, bucket: r.bucket, count: Number(r.count) }));
  }

  /** Every status list on the ledger copy: its id, where its newest version is, and how many versions it has. */
  async statusLists(): Promise<{ id: string; log: string; index: number; versions: number }[]> {
    const rows = await this.db
      .getRepository(LedgerEntryEntity)
      .createQueryBuilder('e')
      .select('e.ref', 'id')
      .addSelect('e.log', 'log')
      .addSelect('MAX(e.idx)', 'idx')
      .addSelect('COUNT(*)', 'versions')
      .where('e.kind = :kind', { kind: 'status-list' })
      .groupBy('e.ref')
      .addGroupBy('e.log')
      .orderBy('e.log', 'ASC')
      .addOrderBy('MAX(e.idx)', 'DESC')
      .getRawMany<{ id: string; log: string; idx: number | string; versions: number | string }>();
    return rows.map((r) => ({ id: r.id, log: r.log, index: Number(r.idx), versions: Number(r.versions) }));
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, LessThan, Not, type DataSource, type EntityManager } from 'typeorm';
import { CredentialRecordEntity, PendingAnchorEntity } from './credential-record.entity.js';

/**
 * Rows per statement: a power of two up to 64 (well under both databases' parameter limits), so
 * a few statement texts serve batches of every size and stay among SQLite's 100 prepared ones.
 */
const MAX_ROWS = 64;

function* slices<T>(items: readonly T[]): Generator<readonly T[]> {
  for (let i = 0; i < items.length; ) {
    let size = MAX_ROWS;
    while (size > items.length - i) size >>= 1;
    yield items.slice(i, i + size);
    i += size;
  }
}

const recordValues = (r: CredentialRecordEntity): unknown[] => [r.id, r.tenantId, r.issuerDid, r.types, r.format, r.tokenHash, r.statusEntries, r.createdAt, r.offerId];

@Injectable()
export class CredentialRecordRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Issuance anchors not yet on the ledger (left by a crash, or in flight). */
  async pendingAnchors(): Promise<string[]> {
    return (await this.db.getRepository(PendingAnchorEntity).find({ order: { createdAt: 'ASC' } })).map((p) => p.digest);
  }

  /**
   * What issuances answered now leave behind, in one transaction: their records and their
   * digests in the anchor outbox (a digest already pending is not an error). Plain multi-row
   * INSERTs: TypeORM's insert builder cost more than the statements (docs/performance.md).
   */
  async insertIssued(records: readonly CredentialRecordEntity[], digests: readonly string[]): Promise<void> {
    const sql = this.db.options.type === 'postgres' ? POSTGRES : SQLITE;
    const createdAt = new Date().toISOString();
    const write = async (tx: EntityManager) => {
      for (const slice of slices(records)) await tx.query(sql.records(slice.length), slice.flatMap(recordValues));
      for (const slice of slices(digests)) await tx.query(sql.anchors(slice.length), slice.flatMap((digest) => [digest, createdAt]));
    };
    // One statement needs no transaction of its own (status-only retention keeps no record of a credential without status).
    await (records.length === 0 && digests.length <= MAX_ROWS ? write(this.db.manager) : this.db.transaction(write));
  }

  /** Inside the transaction that appends their `anchor` entry. */
  async deletePendingAnchors(tx: EntityManager, digests: readonly string[]): Promise<void> {
    for (const slice of slices(digests)) await tx.delete(PendingAnchorEntity, { digest: In(slice) });
  }

  async exists(id: string): Promise<boolean> {
    return this.db.getRepository(CredentialRecordEntity).existsBy({ id });
  }

  /** A credential the tenant issued here; null for an unknown id and for another tenant's (no hint it exists). */
  findOwned(id: string, tenantId: string): Promise<CredentialRecordEntity | null> {
    return this.db.getRepository(CredentialRecordEntity).findOneBy({ id, tenantId });
  }

  /** Ids of the credentials the tenant was issued here through an OpenID4VCI offer, oldest first. */
  async idsByOffer(offerId: string, tenantId: string): Promise<string[]> {
    const rows = await this.db.getRepository(CredentialRecordEntity).find({ select: { id: true }, where: { offerId, tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => r.id);
  }

  /**
   * Retention: records created before `cutoff` keep only what status changes need (id, tenant,
   * issuer, format, status entries); those without status entries go. Returns how many changed.
   */
  async prune(cutoff: string): Promise<{ reduced: number; deleted: number }> {
    const records = this.db.getRepository(CredentialRecordEntity);
    const reduced = await records.update({ createdAt: LessThan(cutoff), statusEntries: Not('[]'), tokenHash: Not('') }, { types: '[]', tokenHash: '' });
    const deleted = await records.delete({ createdAt: LessThan(cutoff), statusEntries: '[]' });
    return { reduced: reduced.affected ?? 0, deleted: deleted.affected ?? 0 };
  }
}

/** The INSERT statements of `insertIssued` in one dialect, by row count (texts built once). */
function statements(postgres: boolean): { records: (rows: number) => string; anchors: (rows: number) => string } {
  const values = (count: number, columns: number): string => {
    let n = 0;
    const row = () => `(${Array.from({ length: columns }, () => (postgres ? `$${++n}` : '?')).join(', ')})`;
    return Array.from({ length: count }, row).join(', ');
  };
  const memo = (text: (rows: number) => string) => {
    const texts = new Map<number, string>();
    return (rows: number) => texts.get(rows) ?? texts.set(rows, text(rows)).get(rows)!;
  };
  return {
    records: memo((rows) => `INSERT INTO "credential_record" ("id", "tenant_id", "issuer_did", "types", "format", "token_hash", "status_entries", "created_at", "offer_id") VALUES ${values(rows, 9)}`),
    anchors: memo((rows) =>
      postgres
        ? `INSERT INTO "credential_anchor_pending" ("digest", "created_at") VALUES ${values(rows, 2)} ON CONFLICT DO NOTHING`
        : `INSERT OR IGNORE INTO "credential_anchor_pending" ("digest", "created_at") VALUES ${values(rows, 2)}`,
    ),
  };
}

const SQLITE = statements(false);
const POSTGRES = statements(true);

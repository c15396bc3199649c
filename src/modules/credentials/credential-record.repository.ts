import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, LessThan, Not, type DataSource, type EntityManager } from 'typeorm';
import { CredentialRecordEntity, PendingAnchorEntity } from './credential-record.entity.js';

/** Rows per INSERT statement: well under both databases' parameter limits. */
const CHUNK = 100;

const RECORD_INSERT = 'INSERT INTO "credential_record" ("id", "tenant_id", "issuer_did", "types", "format", "token_hash", "status_entries", "created_at", "offer_id") VALUES';
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
    const postgres = this.db.options.type === 'postgres';
    const createdAt = new Date().toISOString();
    const write = async (tx: EntityManager) => {
      for (let i = 0; i < records.length; i += CHUNK) {
        const chunk = records.slice(i, i + CHUNK);
        await tx.query(`${RECORD_INSERT} ${rows(chunk.length, 9, postgres)}`, chunk.flatMap(recordValues));
      }
      for (let i = 0; i < digests.length; i += CHUNK) {
        const chunk = digests.slice(i, i + CHUNK);
        const values = rows(chunk.length, 2, postgres);
        const sql = postgres
          ? `INSERT INTO "credential_anchor_pending" ("digest", "created_at") VALUES ${values} ON CONFLICT DO NOTHING`
          : `INSERT OR IGNORE INTO "credential_anchor_pending" ("digest", "created_at") VALUES ${values}`;
        await tx.query(sql, chunk.flatMap((digest) => [digest, createdAt]));
      }
    };
    // One statement needs no transaction of its own (status-only retention keeps no record of a credential without status).
    await (records.length === 0 && digests.length <= CHUNK ? write(this.db.manager) : this.db.transaction(write));
  }

  /** Inside the transaction that appends their `anchor` entry. */
  async deletePendingAnchors(tx: EntityManager, digests: readonly string[]): Promise<void> {
    for (let i = 0; i < digests.length; i += CHUNK) await tx.delete(PendingAnchorEntity, { digest: In(digests.slice(i, i + CHUNK)) });
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

/** `(?, ?), (?, ?)`: `count` rows of `columns` parameters, numbered `$1, $2, …` on PostgreSQL. */
function rows(count: number, columns: number, postgres: boolean): string {
  let n = 0;
  const row = () => `(${Array.from({ length: columns }, () => (postgres ? `$${++n}` : '?')).join(', ')})`;
  return Array.from({ length: count }, row).join(', ');
}

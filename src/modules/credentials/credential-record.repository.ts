import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, LessThan, Not, type DataSource, type EntityManager } from 'typeorm';
import { CredentialRecordEntity, PendingAnchorEntity } from './credential-record.entity.js';

interface Pending {
  readonly record: CredentialRecordEntity;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Rows per INSERT statement: well under both databases' parameter limits. */
const CHUNK = 100;

@Injectable()
export class CredentialRecordRepository {
  private queue: Pending[] = [];

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Issuance anchors not yet on the ledger (left by a crash, or in flight). */
  async pendingAnchors(): Promise<string[]> {
    return (await this.db.getRepository(PendingAnchorEntity).find({ order: { createdAt: 'ASC' } })).map((p) => p.digest);
  }

  /** Stores digests to anchor; one that is already pending is not an error. */
  async insertPendingAnchors(digests: readonly string[]): Promise<void> {
    for (let i = 0; i < digests.length; i += CHUNK) {
      const createdAt = new Date().toISOString();
      await this.db.createQueryBuilder().insert().into(PendingAnchorEntity).values(digests.slice(i, i + CHUNK).map((digest) => ({ digest, createdAt }))).orIgnore().execute();
    }
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

  /**
   * Stores a record. Records of concurrent issuances are written together, one multi-row
   * INSERT per event-loop turn; if that fails, each is retried alone so one bad row fails
   * only its own request.
   */
  insert(record: CredentialRecordEntity): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const records = this.db.getRepository(CredentialRecordEntity);
    for (let i = 0; i < batch.length; i += CHUNK) {
      const chunk = batch.slice(i, i + CHUNK);
      try {
        await records.insert(chunk.map((p) => p.record));
        for (const pending of chunk) pending.resolve();
      } catch {
        for (const pending of chunk) await records.insert(pending.record).then(pending.resolve, pending.reject);
      }
    }
  }
}

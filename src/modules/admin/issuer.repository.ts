import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { rawQuery } from '../../database/raw-query.js';
import { IssuerEntity } from './issuer.entity.js';

/**
 * How long this process keeps using an API key it found without asking the database again: a key
 * changed or removed by another replica sharing the database stops working here within this
 * bound. Keys are only ever inserted today; a write added here that changes or removes one must
 * forget its hash (`byKeyHash.delete`), so the change takes effect at once in this process.
 */
export const ISSUER_KEY_TTL_MS = 1_000;
/** Keys remembered at most (each a hash and a tenant's id and name). */
const ISSUER_KEYS_KEPT = 10_000;

@Injectable()
export class IssuerRepository {
  private readonly issuers: Repository<IssuerEntity>;
  /** Found keys by hash; an unknown key is never remembered, so a new one works at once. */
  private readonly byKeyHash = new Map<string, { issuer: IssuerEntity; until: number }>();

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.issuers = db.getRepository(IssuerEntity);
  }

  async insert(issuer: IssuerEntity): Promise<void> {
    await this.issuers.insert(issuer);
  }

  /** On every issuer request: remembered for ISSUER_KEY_TTL_MS, else plain SQL (src/database/raw-query.ts). */
  async findByApiKeyHash(apiKeyHash: string): Promise<IssuerEntity | null> {
    const now = Date.now();
    const known = this.byKeyHash.get(apiKeyHash);
    if (known !== undefined && known.until > now) return known.issuer;
    const [row] = await rawQuery<{ id: string; name: string; api_key_hash: string; created_at: string }>(this.db, 'SELECT "id", "name", "api_key_hash", "created_at" FROM "issuer" WHERE "api_key_hash" = ?', [apiKeyHash]);
    if (!row) {
      this.byKeyHash.delete(apiKeyHash);
      return null;
    }
    const issuer = { id: row.id, name: row.name, apiKeyHash: row.api_key_hash, createdAt: row.created_at };
    if (this.byKeyHash.size >= ISSUER_KEYS_KEPT) this.byKeyHash.clear();
    this.byKeyHash.set(apiKeyHash, { issuer, until: now + ISSUER_KEY_TTL_MS });
    return issuer;
  }

  findById(id: string): Promise<IssuerEntity | null> {
    return this.issuers.findOneBy({ id });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { rawQuery } from '../../database/raw-query.js';
import { IssuerEntity } from './issuer.entity.js';

@Injectable()
export class IssuerRepository {
  private readonly issuers: Repository<IssuerEntity>;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.issuers = db.getRepository(IssuerEntity);
  }

  async insert(issuer: IssuerEntity): Promise<void> {
    await this.issuers.insert(issuer);
  }

  /** On every issuer request: plain SQL (src/database/raw-query.ts). */
  async findByApiKeyHash(apiKeyHash: string): Promise<IssuerEntity | null> {
    const [row] = await rawQuery<{ id: string; name: string; api_key_hash: string; created_at: string }>(this.db, 'SELECT "id", "name", "api_key_hash", "created_at" FROM "issuer" WHERE "api_key_hash" = ?', [apiKeyHash]);
    return row ? { id: row.id, name: row.name, apiKeyHash: row.api_key_hash, createdAt: row.created_at } : null;
  }

  findById(id: string): Promise<IssuerEntity | null> {
    return this.issuers.findOneBy({ id });
  }
}

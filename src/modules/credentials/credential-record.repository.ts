import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CredentialRecordEntity } from './credential-record.entity.js';

@Injectable()
export class CredentialRecordRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async exists(id: string): Promise<boolean> {
    return this.db.getRepository(CredentialRecordEntity).existsBy({ id });
  }

  /** A credential the tenant issued here; null for an unknown id and for another tenant's (no hint it exists). */
  findOwned(id: string, tenantId: string): Promise<CredentialRecordEntity | null> {
    return this.db.getRepository(CredentialRecordEntity).findOneBy({ id, tenantId });
  }

  async insert(record: CredentialRecordEntity): Promise<void> {
    await this.db.getRepository(CredentialRecordEntity).insert(record);
  }
}

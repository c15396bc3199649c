import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { IssuerEntity } from './issuer.entity.js';

@Injectable()
export class IssuerRepository {
  private readonly issuers: Repository<IssuerEntity>;

  constructor(@InjectDataSource() db: DataSource) {
    this.issuers = db.getRepository(IssuerEntity);
  }

  async insert(issuer: IssuerEntity): Promise<void> {
    await this.issuers.insert(issuer);
  }

  findByApiKeyHash(apiKeyHash: string): Promise<IssuerEntity | null> {
    return this.issuers.findOneBy({ apiKeyHash });
  }

  findById(id: string): Promise<IssuerEntity | null> {
    return this.issuers.findOneBy({ id });
  }
}

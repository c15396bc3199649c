import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { hashApiKey } from '../auth/bearer.js';
import type { IssuerCreatedDto } from './dto/issuer-created.dto.js';
import { IssuerRepository } from './issuer.repository.js';

@Injectable()
export class AdminService {
  constructor(private readonly issuers: IssuerRepository) {}

  /** Registers an issuer tenant; its API key is returned here once and stored only hashed. */
  async createIssuer(name: string): Promise<IssuerCreatedDto> {
    const apiKey = `isk_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    await this.issuers.insert({ id, name, apiKeyHash: hashApiKey(apiKey), createdAt: new Date().toISOString() });
    return { id, name, apiKey };
  }
}

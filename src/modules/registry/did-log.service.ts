import { Injectable } from '@nestjs/common';
import { InvalidDidError, NotFoundError } from '../../domain/errors.js';
import { isIsthmusDid } from '../../domain/did/index.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { DidLogDto } from './dto/registry.dto.js';
import { ResolverService } from './resolver.service.js';

@Injectable()
export class DidLogService {
  constructor(
    private readonly resolver: ResolverService,
    private readonly ledger: LedgerService,
  ) {}

  async log(did: string): Promise<DidLogDto> {
    if (!isIsthmusDid(did)) throw new InvalidDidError(`${did} is not a did:isthmus identifier`);
    const chain = await this.resolver.chain(did);
    if (!chain) throw new NotFoundError(`${did} is not registered`);
    const operations = await Promise.all(
      chain.rows.map(async (row, i) => ({
        operation: chain.items[i]!.operation as unknown as Record<string, unknown>,
        log: row.log,
        index: row.index,
        inclusion: { ...(await this.ledger.inclusion(row.log, row.index)) },
      })),
    );
    return { did, operations };
  }
}

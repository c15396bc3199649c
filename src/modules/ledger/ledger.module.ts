import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { LedgerController } from './ledger.controller.js';
import { LedgerIntegrity } from './ledger-integrity.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';
import { LedgerWriter } from './ledger-writer.js';
import { TilesController } from './tiles.controller.js';
import { TilesService } from './tiles.service.js';

@Module({
  controllers: [LedgerController, TilesController],
  providers: [LedgerRepository, LedgerService, LedgerWriter, LedgerIntegrity, TilesService],
  exports: [LedgerRepository, LedgerService, LedgerWriter, LedgerIntegrity, TilesService],
})
export class LedgerModule implements OnApplicationBootstrap {
  constructor(private readonly writer: LedgerWriter) {}

  /** A fresh region signs the checkpoint of its empty log, so there is always one to serve. */
  async onApplicationBootstrap(): Promise<void> {
    await this.writer.ensureCheckpoint();
  }
}

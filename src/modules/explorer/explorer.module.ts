import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { ReplicationModule } from '../replication/replication.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { ExplorerController } from './explorer.controller.js';
import { ExplorerErrorFilter } from './explorer.filter.js';
import { ExplorerRepository } from './explorer.repository.js';
import { ExplorerService } from './explorer.service.js';

/** The ledger explorer: HTML pages at /explorer (docs/explorer.md). */
@Module({
  imports: [LedgerModule, RegistryModule, ReplicationModule, TrustModule],
  controllers: [ExplorerController],
  providers: [ExplorerService, ExplorerRepository, ExplorerErrorFilter],
})
export class ExplorerModule {}

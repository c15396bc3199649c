import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { TrustController } from './trust.controller.js';
import { TrustService } from './trust.service.js';

@Module({
  imports: [LedgerModule, RegistryModule],
  controllers: [TrustController],
  providers: [TrustService],
  exports: [TrustService],
})
export class TrustModule {}

import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { IssuerGuard } from '../auth/issuer.guard.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { ReplicationModule } from '../replication/replication.module.js';
import { DidJwsVerifier } from './did-jws.js';
import { DidLogService } from './did-log.service.js';
import { RegistrarController } from './registrar.controller.js';
import { RegistrarService } from './registrar.service.js';
import { RegistryController } from './registry.controller.js';
import { RegistryService } from './registry.service.js';
import { ResolverService } from './resolver.service.js';

@Module({
  imports: [LedgerModule, AdminModule, ReplicationModule],
  controllers: [RegistryController, RegistrarController],
  providers: [RegistryService, ResolverService, RegistrarService, DidLogService, IssuerGuard, DidJwsVerifier],
  exports: [RegistryService, ResolverService, RegistrarService, DidJwsVerifier],
})
export class RegistryModule {}

import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { IssuerGuard } from '../auth/issuer.guard.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { Oid4vpController, Oid4vpWalletController } from './oid4vp.controller.js';
import { Oid4vpRequestRepository } from './oid4vp-request.repository.js';
import { Oid4vpService } from './oid4vp.service.js';

/** OpenID4VP 1.0 verification for relying parties (docs/wallets.md, "Presentation"). */
@Module({
  imports: [RegistryModule, AdminModule, CredentialsModule],
  controllers: [Oid4vpController, Oid4vpWalletController],
  providers: [Oid4vpService, Oid4vpRequestRepository, IssuerGuard],
})
export class Oid4vpModule {}

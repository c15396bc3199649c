import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { IssuerGuard } from '../auth/issuer.guard.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { Oid4vciController } from './oid4vci.controller.js';
import { Oid4vciRepository } from './oid4vci.repository.js';
import { Oid4vciService } from './oid4vci.service.js';

/** OpenID4VCI 1.0 issuance, pre-authorized code flow (docs/wallets.md). */
@Module({
  imports: [AdminModule, CredentialsModule, RegistryModule],
  controllers: [Oid4vciController],
  providers: [Oid4vciService, Oid4vciRepository, IssuerGuard],
})
export class Oid4vciModule {}

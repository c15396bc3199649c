import { LedgerModule } from '../ledger/ledger.module.js';
import { IssuanceAnchors } from './issuance-anchors.js';
import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module.js';
import { IssuerGuard } from '../auth/issuer.guard.js';
import { RegistryModule } from '../registry/registry.module.js';
import { StatusModule } from '../status/status.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { CredentialStatusService } from './credential-status.service.js';
import { RetentionService } from './retention.service.js';
import { CredentialRecordRepository } from './credential-record.repository.js';
import { CredentialsController } from './credentials.controller.js';
import { IssuanceService } from './issuance.service.js';
import { SchemaRegistry } from './schema-registry.js';
import { VerificationService } from './verification.service.js';
import { PresentationVerifier } from './presentation-verifier.js';
import { DataIntegrityModule } from '../data-integrity/data-integrity.module.js';
import { DataIntegrityIssuer } from './data-integrity-issuer.js';
import { DataIntegrityVerifier } from './data-integrity-verifier.js';

@Module({
  imports: [RegistryModule, AdminModule, StatusModule, TrustModule, LedgerModule, DataIntegrityModule],
  controllers: [CredentialsController],
  providers: [IssuanceService, IssuanceAnchors, CredentialStatusService, RetentionService, VerificationService, PresentationVerifier, DataIntegrityIssuer, DataIntegrityVerifier, CredentialRecordRepository, IssuerGuard, SchemaRegistry],
  exports: [IssuanceService, VerificationService],
})
export class CredentialsModule {}

import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { PeerClient } from './peer-client.js';
import { ReplicationController } from './replication.controller.js';
import { ReplicationRepository } from './replication.repository.js';
import { ReplicationStatusService } from './replication-status.service.js';
import { ReplicationService } from './replication.service.js';

@Module({
  imports: [LedgerModule],
  controllers: [ReplicationController],
  providers: [ReplicationService, ReplicationRepository, ReplicationStatusService, PeerClient],
  exports: [ReplicationService, ReplicationStatusService, PeerClient],
})
export class ReplicationModule {}

import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { WitnessClient } from './witness-client.js';
import { WitnessController } from './witness.controller.js';
import { WitnessRepository } from './witness.repository.js';
import { WitnessService } from './witness.service.js';

/** C2SP tlog-witness: this region cosigns the other regions' checkpoints, and submits its own to the genesis witnesses. */
@Module({
  imports: [LedgerModule],
  controllers: [WitnessController],
  providers: [WitnessService, WitnessRepository, WitnessClient],
  exports: [WitnessClient],
})
export class WitnessModule {}

import { Injectable } from '@nestjs/common';
import { addCheckpoint, type WitnessedLog } from '../../domain/ledger/witness.js';
import { logOrigin } from '../../domain/network/genesis.js';
import { NetworkService } from '../network/network.service.js';
import { WitnessRepository } from './witness.repository.js';

/**
 * This region as a C2SP tlog-witness of the other regions' logs (docs/tiles.md): it cosigns, with
 * its genesis cosigner key, a checkpoint signed by the log's genesis key that extends the one it
 * cosigned before, whoever submits it.
 */
@Injectable()
export class WitnessService {
  private readonly logs: readonly WitnessedLog[];

  constructor(
    private readonly network: NetworkService,
    private readonly repository: WitnessRepository,
  ) {
    this.logs = network.genesis.regions.filter((r) => r.id !== network.self.id).map((r) => ({ origin: logOrigin(r.id), keys: [r.logKey] }));
  }

  addCheckpoint(body: string): Promise<string> {
    return addCheckpoint(body, this.logs, this.repository, this.network.keys.cosignerKey, Math.floor(Date.now() / 1000));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import type { Genesis, GenesisRegion, RegionKeys } from '../../domain/network/genesis.js';
import { loadGenesisFile, loadRegionKeys } from './network-files.js';

/**
 * The network genesis and this region's private keys, loaded and checked once at boot:
 * a region without a valid genesis or with keys that do not match it does not start.
 */
@Injectable()
export class NetworkService {
  readonly genesis: Genesis;
  /** SHA-256 (hex) of network.json's canonical form: the network a database belongs to. */
  readonly genesisSha256: string;
  readonly keys: RegionKeys;
  readonly self: GenesisRegion;

  constructor(@Inject(REGION_CONFIG) config: RegionConfig) {
    const file = loadGenesisFile(config.dataDir);
    this.genesis = file.genesis;
    this.genesisSha256 = file.sha256;
    this.keys = loadRegionKeys(config.dataDir, this.genesis, config.regionId);
    this.self = this.genesis.regions.find((r) => r.id === config.regionId)!;
  }

  region(id: string): GenesisRegion | undefined {
    return this.genesis.regions.find((r) => r.id === id);
  }
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { EMPTY_POLICY, parsePolicy, type RegionPolicy } from '../../domain/policy/policy.js';
import { NetworkService } from '../network/network.service.js';

export const POLICY_FILE = 'policy.json';

/**
 * This region's jurisdiction policy, read and validated once at boot from DATA_DIR/policy.json
 * (absent: the empty policy). A malformed file stops the region, naming the file and the field.
 */
@Injectable()
export class PolicyService {
  readonly policy: RegionPolicy;
  readonly region: string;

  constructor(@Inject(REGION_CONFIG) config: RegionConfig, network: NetworkService) {
    this.region = config.regionId;
    const file = join(config.dataDir, POLICY_FILE);
    if (!existsSync(file)) {
      this.policy = EMPTY_POLICY;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`policy file ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    try {
      this.policy = parsePolicy(json, network.genesis.regions.map((r) => r.id));
    } catch (error) {
      throw new Error(`policy file ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ProblemException, problemType } from '../../common/problem.js';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { NetworkService } from '../network/network.service.js';
import { ReplicationService } from '../replication/replication.service.js';
import type { HealthReport } from './health.dto.js';

@Injectable()
export class HealthService {
  readonly regionId: string;

  constructor(
    @Inject(REGION_CONFIG) config: RegionConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly network: NetworkService,
    private readonly replication: ReplicationService,
  ) {
    this.regionId = config.regionId;
  }

  async ready(): Promise<HealthReport> {
    const checks: Record<string, string> = {};
    try {
      await this.db.query('SELECT 1');
      checks.database = 'ok';
    } catch {
      checks.database = 'unreachable';
    }
    checks.genesis = `ok (${this.network.genesis.regions.length} regions)`;
    checks.keys = `ok (${this.network.keys.logKey.name})`;
    const failed = Object.entries(checks).filter(([, v]) => !v.startsWith('ok'));
    // An alarm about a peer's log is reported, not fatal: this region still serves what it verified.
    const stopped = this.network.genesis.regions.filter((r) => this.replication.isBlocked(r.id)).map((r) => r.id);
    checks.replication = stopped.length === 0 ? 'ok' : `alarm: replication of log ${stopped.join(', ')} stopped (see /ledger/status)`;
    if (failed.length > 0) {
      throw new ProblemException({
        type: problemType('not-ready'),
        title: 'Not ready',
        status: 503,
        detail: `Failed checks: ${failed.map(([k, v]) => `${k} ${v}`).join(', ')}.`,
        checks,
      });
    }
    return { status: 'ok', region: this.regionId, checks };
  }
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.module.js';
import { PolicyService } from '../policy/policy.service.js';
import { CredentialRecordRepository } from './credential-record.repository.js';

const PRUNE_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Applies the policy's retention: issuance records older than issuanceRecordDays are reduced or removed, hourly. */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly records: CredentialRecordRepository,
    private readonly policies: PolicyService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.policies.policy.retention.issuanceRecordDays === undefined) return;
    const tick = () => void this.prune().catch((error: unknown) => this.logger.warn({ err: error }, 'issuance record pruning failed'));
    tick();
    this.timer = setInterval(tick, PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pruning pass; also what tests and operators call. */
  async prune(now = Date.now()): Promise<{ reduced: number; deleted: number }> {
    const days = this.policies.policy.retention.issuanceRecordDays;
    if (days === undefined) return { reduced: 0, deleted: 0 };
    const result = await this.records.prune(new Date(now - days * DAY_MS).toISOString());
    if (result.reduced + result.deleted > 0) this.logger.info(result, 'issuance records pruned');
    return result;
  }
}

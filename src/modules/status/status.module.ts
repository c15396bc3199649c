import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.module.js';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RegistryModule } from '../registry/registry.module.js';
import { StatusListController } from './status-list.controller.js';
import { StatusListReader } from './status-list-reader.js';
import { StatusListRepository } from './status-list.repository.js';
import { StatusLists } from './status-lists.js';
import { StatusVerifier } from './status-verifier.js';
import { DataIntegrityModule } from '../data-integrity/data-integrity.module.js';
import { DataIntegrityStatusLists } from './data-integrity-status-lists.js';

/** At most this long between checks for lists to re-sign. */
const MAX_REFRESH_INTERVAL_MS = 3_600_000;

@Module({
  imports: [LedgerModule, RegistryModule, DataIntegrityModule],
  controllers: [StatusListController],
  providers: [StatusListRepository, StatusLists, StatusVerifier, StatusListReader, DataIntegrityStatusLists],
  exports: [StatusLists, StatusVerifier],
})
export class StatusModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly lists: StatusLists,
    @Inject(REGION_CONFIG) private readonly config: RegionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Lists are re-signed when half their validity is gone, so relying parties never hold an expired one. */
  onApplicationBootstrap(): void {
    const interval = Math.min(MAX_REFRESH_INTERVAL_MS, (this.config.statusListValiditySeconds * 1000) / 8);
    const tick = () => {
      this.lists.refreshExpiring().then(
        (count) => count > 0 && this.logger.info({ count }, 'status lists re-signed'),
        (error: unknown) => this.logger.warn({ err: error }, 'status list refresh failed'),
      );
    };
    tick();
    this.timer = setInterval(tick, interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

import { Injectable } from '@nestjs/common';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { NetworkService } from '../network/network.service.js';
import { clip, MAX_DETAIL } from '../../domain/replication/bounds.js';
import type { LedgerAlarmEntity } from './alarm.entity.js';
import type { CatchUpDto, LedgerAlarmDto, LedgerStatusDto, LogStatusDto } from './dto/status.dto.js';
import { ReplicationRepository } from './replication.repository.js';
import { catchUpRate, ReplicationService } from './replication.service.js';

function catchUpStatus(catchUp: NonNullable<ReturnType<ReplicationService['progressOf']>>['catchUp'] & object): CatchUpDto {
  const rate = catchUpRate(catchUp);
  const behind = catchUp.target - catchUp.stored;
  return { from: catchUp.from, target: catchUp.target, behind, entriesPerSecond: rate === null ? null : Math.round(rate), etaSeconds: rate === null ? null : Math.round((behind / rate) * 10) / 10 };
}

/** Most alarms GET /ledger/status lists; `alarmCount` says how many are open. */
const STATUS_ALARMS = 20;

/** An alarm as the API shows it: never its evidence, its detail at most MAX_DETAIL characters. */
export function toAlarmDto({ id, log, kind, detail, blocking, createdAt, count, lastSeenAt }: LedgerAlarmEntity): LedgerAlarmDto {
  return { id, log, kind, detail: clip(detail, MAX_DETAIL), blocking, createdAt, firstSeenAt: createdAt, lastSeenAt, count };
}

@Injectable()
export class ReplicationStatusService {
  constructor(
    private readonly network: NetworkService,
    private readonly ledger: LedgerRepository,
    private readonly replication: ReplicationService,
    private readonly repository: ReplicationRepository,
    private readonly metrics: MetricsService,
  ) {}

  async status(): Promise<LedgerStatusDto> {
    const self = this.network.self.id;
    const logs: LogStatusDto[] = [];
    for (const region of this.network.genesis.regions) {
      const head = await this.ledger.head(region.id);
      if (region.id === self) {
        const peers = this.network.genesis.regions.filter((r) => r.id !== self).map((r) => this.replication.progressOf(r.id)!);
        // Cosigned means signed by every region: the least any peer has cosigned.
        const cosigned = peers.length === 0 ? head.size : Math.min(...peers.map((p) => p.cosignedOwnSize));
        const oldestUncosigned = cosigned < head.size ? await this.ledger.entry(self, cosigned) : null;
        this.metrics.cosignedSize.set({ log: self }, cosigned);
        this.metrics.logSize.set({ log: self }, head.size);
        logs.push({
          log: self,
          role: 'writer',
          size: head.size,
          acceptedSize: head.size,
          cosignedSize: cosigned,
          lagEntries: head.size - cosigned,
          lagSeconds: oldestUncosigned ? Math.max(0, (Date.now() - Date.parse(oldestUncosigned.time)) / 1000) : 0,
          lastSyncAt: peers.map((p) => p.lastSyncAt).sort().at(-1) ?? null,
          lastError: peers.find((p) => p.lastError)?.lastError ?? null,
          stopped: false,
          catchUp: null,
        });
        continue;
      }
      const progress = this.replication.progressOf(region.id)!;
      const size = Math.max(progress.seenSize, head.size);
      this.metrics.cosignedSize.set({ log: region.id }, head.size);
      logs.push({
        log: region.id,
        role: 'mirror',
        size,
        acceptedSize: head.size,
        cosignedSize: head.size,
        lagEntries: size - head.size,
        lagSeconds: progress.behindSince === null ? 0 : (Date.now() - progress.behindSince) / 1000,
        lastSyncAt: progress.lastSyncAt,
        lastError: progress.lastError,
        stopped: this.replication.isBlocked(region.id),
        catchUp: progress.catchUp ? catchUpStatus(progress.catchUp) : null,
      });
    }
    // Bounded whatever the peers did: a few alarms (blocking first), each detail cut, and the total.
    const alarms = (await this.repository.alarms(STATUS_ALARMS)).map(toAlarmDto);
    return { region: self, logs, alarms, alarmCount: await this.repository.countAlarms() };
  }
}

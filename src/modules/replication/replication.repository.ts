import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource } from 'typeorm';
import { CheckpointEntity } from '../ledger/ledger.entity.js';
import { LedgerAlarmEntity } from './alarm.entity.js';

/** Alarms and checkpoint notes as replication changes them (entries go through LedgerRepository). */
@Injectable()
export class ReplicationRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  checkpointAt(log: string, size: number): Promise<CheckpointEntity | null> {
    return this.db.getRepository(CheckpointEntity).findOneBy({ log, size });
  }

  /** Replaces a checkpoint's note with one that carries more signatures (never other content). */
  async updateCheckpointNote(log: string, size: number, note: string): Promise<void> {
    await this.db.getRepository(CheckpointEntity).update({ log, size }, { note });
  }

  /**
   * Opens an alarm, or counts the fault on the open alarm of the same (log, kind), which keeps
   * its first detail and evidence. Answers whether a new alarm was opened. The partial unique
   * index makes it one alarm even when two replicas of this region see the fault at once.
   */
  async raiseAlarm(alarm: { log: string; kind: string; detail: string; evidence: string; blocking: boolean; at: string }): Promise<boolean> {
    const alarms = this.db.getRepository(LedgerAlarmEntity);
    const seenAgain = async () =>
      (await alarms.createQueryBuilder().update().set({ count: () => 'seen_count + 1', lastSeenAt: alarm.at }).where({ log: alarm.log, kind: alarm.kind, clearedAt: IsNull() }).execute()).affected === 1;
    if (await seenAgain()) return false;
    try {
      await alarms.insert({ log: alarm.log, kind: alarm.kind, detail: alarm.detail, evidence: alarm.evidence, blocking: alarm.blocking, createdAt: alarm.at, lastSeenAt: alarm.at, count: 1, clearedAt: null });
      return true;
    } catch (error) {
      if (await seenAgain()) return false;
      throw error;
    }
  }

  /** The alarms no operator has cleared, at most `limit`: blocking ones first, then the newest. */
  alarms(limit?: number): Promise<LedgerAlarmEntity[]> {
    return this.db.getRepository(LedgerAlarmEntity).find({ where: { clearedAt: IsNull() }, order: { blocking: 'DESC', id: 'DESC' }, ...(limit ? { take: limit } : {}) });
  }

  countAlarms(): Promise<number> {
    return this.db.getRepository(LedgerAlarmEntity).countBy({ clearedAt: IsNull() });
  }

  /** Whether a blocking alarm of the log is open (on any replica of this region). */
  async isBlocked(log: string): Promise<boolean> {
    return (await this.db.getRepository(LedgerAlarmEntity).countBy({ log, blocking: true, clearedAt: IsNull() })) > 0;
  }

  /** Marks an open alarm cleared; null when there is no such open alarm. */
  async clearAlarm(id: number, at: string): Promise<LedgerAlarmEntity | null> {
    const alarms = this.db.getRepository(LedgerAlarmEntity);
    const cleared = await alarms.update({ id, clearedAt: IsNull() }, { clearedAt: at });
    return cleared.affected === 1 ? alarms.findOneBy({ id }) : null;
  }
}

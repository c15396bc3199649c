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

  async addAlarm(alarm: Omit<LedgerAlarmEntity, 'id' | 'clearedAt'>): Promise<void> {
    const last = await this.db.getRepository(LedgerAlarmEntity).findOne({ where: { log: alarm.log, clearedAt: IsNull() }, order: { id: 'DESC' } });
    // The same fault seen again on the next pull is one alarm, not one per round.
    if (last && last.kind === alarm.kind && last.detail === alarm.detail) return;
    await this.db.getRepository(LedgerAlarmEntity).insert(alarm);
  }

  /** The alarms no operator has cleared. */
  alarms(): Promise<LedgerAlarmEntity[]> {
    return this.db.getRepository(LedgerAlarmEntity).find({ where: { clearedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** Marks an open alarm cleared; null when there is no such open alarm. */
  async clearAlarm(id: number, at: string): Promise<LedgerAlarmEntity | null> {
    const alarms = this.db.getRepository(LedgerAlarmEntity);
    const cleared = await alarms.update({ id, clearedAt: IsNull() }, { clearedAt: at });
    return cleared.affected === 1 ? alarms.findOneBy({ id }) : null;
  }
}

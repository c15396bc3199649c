import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
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

  async addAlarm(alarm: Omit<LedgerAlarmEntity, 'id'>): Promise<void> {
    const last = await this.db.getRepository(LedgerAlarmEntity).findOne({ where: { log: alarm.log }, order: { id: 'DESC' } });
    // The same fault seen again on the next pull is one alarm, not one per round.
    if (last && last.kind === alarm.kind && last.detail === alarm.detail) return;
    await this.db.getRepository(LedgerAlarmEntity).insert(alarm);
  }

  alarms(): Promise<LedgerAlarmEntity[]> {
    return this.db.getRepository(LedgerAlarmEntity).find({ order: { id: 'ASC' } });
  }
}

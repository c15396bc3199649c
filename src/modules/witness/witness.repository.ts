import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { WitnessRecord, WitnessStore } from '../../domain/ledger/witness.js';
import { appendSignatures } from '../../domain/ledger/index.js';
import { CheckpointEntity } from '../ledger/ledger.entity.js';
import { WitnessStateEntity } from './witness-state.entity.js';

/** This region's witness records in its database: compare-and-set by a conditional update (or a first insert), atomic on either database. */
@Injectable()
export class WitnessRepository implements WitnessStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async latest(origin: string): Promise<WitnessRecord | undefined> {
    const row = await this.db.getRepository(WitnessStateEntity).findOneBy({ origin });
    return row ? { size: row.size, rootHash: row.rootHash } : undefined;
  }

  async compareAndSet(origin: string, expected: WitnessRecord | undefined, next: WitnessRecord): Promise<boolean> {
    const updatedAt = new Date().toISOString();
    const rows = this.db.getRepository(WitnessStateEntity);
    if (expected === undefined) {
      try {
        await rows.insert({ origin, size: next.size, rootHash: next.rootHash, updatedAt });
        return true;
      } catch {
        // Another request (or replica) recorded this origin first.
        return false;
      }
    }
    const result = await rows.update({ origin, size: expected.size, rootHash: expected.rootHash }, { size: next.size, rootHash: next.rootHash, updatedAt });
    return result.affected === 1;
  }

  /** Adds signature lines to a stored checkpoint of this region's log, reading and writing it in one transaction (row locked on PostgreSQL). */
  async appendCosignatures(log: string, size: number, lines: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      const query = tx.getRepository(CheckpointEntity).createQueryBuilder('c').where('c.log = :log AND c.size = :size', { log, size });
      const row = this.db.options.type === 'postgres' ? await query.setLock('pessimistic_write').getOne() : await query.getOne();
      if (!row) return;
      const note = appendSignatures(row.note, lines);
      if (note !== row.note) await tx.getRepository(CheckpointEntity).update({ log, size }, { note });
    });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThan, MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { StatusListEntity } from './status-list.entity.js';

/** The only code that touches the status_list table. */
@Injectable()
export class StatusListRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  get(id: string, manager: EntityManager = this.db.manager): Promise<StatusListEntity | null> {
    return manager.getRepository(StatusListEntity).findOneBy({ id });
  }

  async insert(row: StatusListEntity): Promise<void> {
    await this.db.getRepository(StatusListEntity).insert(row);
  }

  /** The newest published list of an issuer for a mechanism and purpose that still has room. */
  async openList(issuerDid: string, mechanism: string, purpose: string): Promise<StatusListEntity | null> {
    const rows = await this.db
      .getRepository(StatusListEntity)
      .createQueryBuilder('l')
      .where('l.issuer_did = :issuerDid AND l.mechanism = :mechanism AND l.purpose = :purpose', { issuerDid, mechanism, purpose })
      .andWhere('l.version >= 1 AND l.allocated < l.size')
      .orderBy('l.created_at', 'DESC')
      .limit(1)
      .getMany();
    return rows[0] ?? null;
  }

  /**
   * Reserves `count` positions of the list's permutation: a compare-and-swap on `allocated`,
   * so concurrent processes on one database never get the same positions. Returns the first
   * reserved counter, or undefined when the list has no room left.
   */
  async reserve(id: string, count: number): Promise<number | undefined> {
    const lists = this.db.getRepository(StatusListEntity);
    for (;;) {
      const row = await lists.findOne({ where: { id }, select: { id: true, allocated: true, size: true } });
      if (!row || row.allocated + count > row.size) return undefined;
      const swapped = await lists.update({ id, allocated: row.allocated }, { allocated: row.allocated + count });
      if (swapped.affected === 1) return row.allocated;
    }
  }

  /** Inside the append transaction: the bits and version a new published version replaces. */
  async savePublished(tx: EntityManager, id: string, published: Pick<StatusListEntity, 'bits' | 'version' | 'validUntil'>): Promise<void> {
    await tx.getRepository(StatusListEntity).update({ id }, published);
  }

  /** Published lists whose latest version expires before `before` (to re-sign them). */
  expiringBefore(before: string): Promise<StatusListEntity[]> {
    return this.db.getRepository(StatusListEntity).find({ where: { validUntil: LessThan(before), version: MoreThan(0) }, select: { id: true, validUntil: true } });
  }
}

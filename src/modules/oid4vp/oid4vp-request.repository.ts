import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThan, type DataSource, type Repository } from 'typeorm';
import type { RequestStatus } from '../../domain/oid4vp/request.js';
import { Oid4vpRequestEntity } from './oid4vp-request.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class Oid4vpRequestRepository {
  private readonly requests: Repository<Oid4vpRequestEntity>;

  constructor(@InjectDataSource() db: DataSource) {
    this.requests = db.getRepository(Oid4vpRequestEntity);
  }

  async insert(request: Oid4vpRequestEntity): Promise<void> {
    await this.requests.insert(request);
  }

  /** Ids are ours (UUIDs): anything else is unknown without asking the database (PostgreSQL refuses a NUL byte with an error, not a miss). */
  async find(id: string): Promise<Oid4vpRequestEntity | null> {
    if (!UUID.test(id)) return null;
    return this.requests.findOneBy({ id });
  }

  /** Moves a request from one status to the next only if it is still in the first: the one winner of a race gets true. */
  async transition(id: string, from: RequestStatus, to: RequestStatus, result?: unknown): Promise<boolean> {
    const outcome = await this.requests
      .createQueryBuilder()
      .update()
      .set({ status: to, ...(result === undefined ? {} : { result: JSON.stringify(result) }) })
      .where('id = :id AND status = :from', { id, from })
      .execute();
    return (outcome.affected ?? 0) === 1;
  }

  /** Deletes the requests that expired before `iso` (their results included). */
  async deleteExpiredBefore(iso: string): Promise<number> {
    return (await this.requests.delete({ expiresAt: LessThan(iso) })).affected ?? 0;
  }
}

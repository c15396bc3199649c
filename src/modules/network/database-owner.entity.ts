import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row saying which region and genesis this database belongs to (see database-owner.ts). */
@Entity({ name: 'database_owner' })
export class DatabaseOwnerEntity {
  /** Always `database`: one row, so two regions starting at once on one database cannot both claim it. */
  @PrimaryColumn({ type: 'varchar', length: 16 })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  region!: string;

  @Column({ type: 'varchar', length: 100 })
  network!: string;

  @Column({ name: 'genesis_sha256', type: 'varchar', length: 64 })
  genesisSha256!: string;

  /** Random bytes sealed under KEY_ENCRYPTION_SECRET: a start with another secret cannot open them. */
  @Column({ name: 'key_canary', type: 'text' })
  keyCanary!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt!: string;
}

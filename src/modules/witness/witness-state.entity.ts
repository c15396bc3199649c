import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The latest checkpoint this region, as a C2SP tlog-witness, cosigned of each log it witnesses. */
@Entity({ name: 'witness_state' })
export class WitnessStateEntity {
  /** The checkpoint origin line. */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  origin!: string;

  @Column({ type: 'integer' })
  size!: number;

  /** Base64 root hash. */
  @Column({ name: 'root_hash', type: 'varchar', length: 44 })
  rootHash!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 40 })
  updatedAt!: string;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A fault found in what a peer served, with the evidence (checkpoint notes) kept for humans. */
@Entity({ name: 'ledger_alarm' })
@Index('idx_ledger_alarm_log', ['log'])
export class LedgerAlarmEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  log!: string;

  /** equivocation | inconsistent-checkpoint | forged-checkpoint | invalid-entries */
  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ type: 'text' })
  detail!: string;

  /** JSON: the accepted and the offending checkpoint notes. */
  @Column({ type: 'text' })
  evidence!: string;

  /** Whether replication of the log stays stopped until an operator clears it. */
  @Column({ type: 'boolean' })
  blocking!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt!: string;

  /** When an operator cleared it (null: open). Cleared alarms keep their evidence. */
  @Column({ name: 'cleared_at', type: 'varchar', length: 40, nullable: true })
  clearedAt!: string | null;
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A fault found in what a peer served, with the evidence (checkpoint notes, bounded) kept for
 * humans. At most one open alarm per (log, kind): a fault seen again counts on it.
 */
@Entity({ name: 'ledger_alarm' })
@Index('idx_ledger_alarm_log', ['log'])
@Index('idx_ledger_alarm_open', ['log', 'kind'], { unique: true, where: 'cleared_at IS NULL' })
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

  /** JSON: the accepted and the offending checkpoint notes, at most 8 KiB (bounds.ts boundEvidence). */
  @Column({ type: 'text' })
  evidence!: string;

  /** Whether replication of the log stays stopped until an operator clears it. */
  @Column({ type: 'boolean' })
  blocking!: boolean;

  /** When the fault was first seen (the detail and evidence are of that time). */
  @Column({ name: 'created_at', type: 'varchar', length: 40 })
  createdAt!: string;

  /** How many times the fault was seen while the alarm was open. */
  @Column({ name: 'seen_count', type: 'integer', default: 1 })
  count!: number;

  @Column({ name: 'last_seen_at', type: 'varchar', length: 40 })
  lastSeenAt!: string;

  /** When an operator cleared it (null: open). Cleared alarms keep their evidence. */
  @Column({ name: 'cleared_at', type: 'varchar', length: 40, nullable: true })
  clearedAt!: string | null;
}

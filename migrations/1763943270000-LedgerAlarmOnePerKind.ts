import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One open alarm per (log, kind), counted, instead of one row per faulty round: a peer serving
 * garbage in a loop grew the table without bound. Open duplicates are folded into the oldest
 * (which keeps the first evidence) and marked cleared; their rows stay. Over-long details are cut.
 */
export class LedgerAlarmOnePerKind1763943270000 implements MigrationInterface {
  name = 'LedgerAlarmOnePerKind1763943270000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('ledger_alarm', new TableColumn({ name: 'seen_count', type: 'integer', default: 1 }));
    await queryRunner.addColumn('ledger_alarm', new TableColumn({ name: 'last_seen_at', type: 'varchar', length: '40', isNullable: true }));
    const open = `FROM ledger_alarm other WHERE other.log = ledger_alarm.log AND other.kind = ledger_alarm.kind AND other.cleared_at IS NULL`;
    await queryRunner.query(`UPDATE ledger_alarm SET seen_count = (SELECT COUNT(*) ${open}), last_seen_at = (SELECT MAX(other.created_at) ${open}) WHERE cleared_at IS NULL`);
    await queryRunner.query(`UPDATE ledger_alarm SET last_seen_at = created_at WHERE last_seen_at IS NULL`);
    await queryRunner.query(`UPDATE ledger_alarm SET cleared_at = last_seen_at WHERE cleared_at IS NULL AND id > (SELECT MIN(other.id) ${open})`);
    await queryRunner.query(`UPDATE ledger_alarm SET detail = SUBSTR(detail, 1, 512) WHERE LENGTH(detail) > 512`);
    await queryRunner.changeColumn('ledger_alarm', 'last_seen_at', new TableColumn({ name: 'last_seen_at', type: 'varchar', length: '40' }));
    await queryRunner.createIndex('ledger_alarm', new TableIndex({ name: 'idx_ledger_alarm_open', columnNames: ['log', 'kind'], isUnique: true, where: 'cleared_at IS NULL' }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('ledger_alarm', 'idx_ledger_alarm_open');
    await queryRunner.dropColumn('ledger_alarm', 'last_seen_at');
    await queryRunner.dropColumn('ledger_alarm', 'seen_count');
  }
}

import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** An operator clears an alarm (POST /ledger/alarms/{id}/clear); the row and its evidence stay. */
export class AddLedgerAlarmClearedAt1763943150000 implements MigrationInterface {
  name = 'AddLedgerAlarmClearedAt1763943150000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('ledger_alarm', new TableColumn({ name: 'cleared_at', type: 'varchar', length: '40', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('ledger_alarm', 'cleared_at');
  }
}

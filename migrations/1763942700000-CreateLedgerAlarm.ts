import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Replication faults and equivocation evidence (docs/replication.md). */
export class CreateLedgerAlarm1763942700000 implements MigrationInterface {
  name = 'CreateLedgerAlarm1763942700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'ledger_alarm',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'log', type: 'varchar', length: '32' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'detail', type: 'text' },
          { name: 'evidence', type: 'text' },
          { name: 'blocking', type: 'boolean' },
          { name: 'created_at', type: 'varchar', length: '40' },
        ],
      }),
    );
    await queryRunner.createIndex('ledger_alarm', new TableIndex({ name: 'idx_ledger_alarm_log', columnNames: ['log'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ledger_alarm');
  }
}

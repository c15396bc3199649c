import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Finds the entries of one kind (trust lists) without scanning the ledger. */
export class AddLedgerEntryKindIndex1763943050000 implements MigrationInterface {
  name = 'AddLedgerEntryKindIndex1763943050000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('ledger_entry', new TableIndex({ name: 'idx_ledger_entry_kind', columnNames: ['kind', 'log', 'idx'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('ledger_entry', 'idx_ledger_entry_kind');
  }
}

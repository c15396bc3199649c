import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The append-only log, its head and its checkpoints (docs/registry.md). */
export class CreateLedger1763942500000 implements MigrationInterface {
  name = 'CreateLedger1763942500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'ledger_entry',
        columns: [
          { name: 'log', type: 'varchar', length: '32', isPrimary: true },
          { name: 'idx', type: 'integer', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'did', type: 'varchar', length: '64', isNullable: true },
          { name: 'ref', type: 'varchar', length: '64', isNullable: true },
          { name: 'time', type: 'varchar', length: '40' },
          { name: 'entry', type: 'text' },
          { name: 'leaf_hash', type: 'varchar', length: '44' },
          { name: 'root_hash', type: 'varchar', length: '44' },
        ],
      }),
    );
    await queryRunner.createIndex('ledger_entry', new TableIndex({ name: 'idx_ledger_entry_did', columnNames: ['did', 'log', 'idx'] }));
    await queryRunner.createIndex('ledger_entry', new TableIndex({ name: 'idx_ledger_entry_ref', columnNames: ['ref'] }));
    await queryRunner.createTable(
      new Table({
        name: 'ledger_head',
        columns: [
          { name: 'log', type: 'varchar', length: '32', isPrimary: true },
          { name: 'size', type: 'integer' },
          { name: 'root_hash', type: 'varchar', length: '44' },
          { name: 'frontier', type: 'text' },
          { name: 'updated_at', type: 'varchar', length: '40' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'checkpoint',
        columns: [
          { name: 'log', type: 'varchar', length: '32', isPrimary: true },
          { name: 'size', type: 'integer', isPrimary: true },
          { name: 'root_hash', type: 'varchar', length: '44' },
          { name: 'note', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '40' },
        ],
      }),
    );
    // The log is append-only at the database too: an UPDATE or DELETE of an entry is refused.
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(`CREATE FUNCTION ledger_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'ledger_entry is append-only'; END $$`);
      await queryRunner.query(`CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE OR DELETE ON ledger_entry
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()`);
    } else {
      await queryRunner.query(`CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
        BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only'); END`);
      await queryRunner.query(`CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
        BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only'); END`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('checkpoint');
    await queryRunner.dropTable('ledger_head');
    await queryRunner.dropTable('ledger_entry');
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query('DROP FUNCTION IF EXISTS ledger_entry_append_only()');
    }
  }
}

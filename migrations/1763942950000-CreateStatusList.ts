import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Status lists an issuer of this region owns (docs/status.md); their versions go on the ledger. */
export class CreateStatusList1763942950000 implements MigrationInterface {
  name = 'CreateStatusList1763942950000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'status_list',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'issuer_did', type: 'varchar', length: '200' },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'mechanism', type: 'varchar', length: '16' },
          { name: 'purpose', type: 'varchar', length: '32' },
          { name: 'size', type: 'integer' },
          { name: 'bits_per_status', type: 'integer' },
          { name: 'permutation_key', type: 'varchar', length: '64' },
          { name: 'allocated', type: 'integer' },
          { name: 'bits', type: 'text' },
          { name: 'version', type: 'integer' },
          { name: 'valid_until', type: 'varchar', length: '40' },
          { name: 'created_at', type: 'varchar', length: '40' },
        ],
      }),
    );
    await queryRunner.createIndex('status_list', new TableIndex({ name: 'idx_status_list_issuer', columnNames: ['issuer_did', 'mechanism', 'purpose'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('status_list');
  }
}

import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One row naming the region and genesis a database belongs to, and a canary sealed under its
 * KEY_ENCRYPTION_SECRET: written at the first start, checked at every start after.
 */
export class CreateDatabaseOwner1763943260000 implements MigrationInterface {
  name = 'CreateDatabaseOwner1763943260000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'database_owner',
        columns: [
          { name: 'id', type: 'varchar', length: '16', isPrimary: true },
          { name: 'region', type: 'varchar', length: '32' },
          { name: 'network', type: 'varchar', length: '100' },
          { name: 'genesis_sha256', type: 'varchar', length: '64' },
          { name: 'key_canary', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '40' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('database_owner');
  }
}

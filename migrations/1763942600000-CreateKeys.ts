import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Veramo's key, private key and identifier stores, on the region's own tables. */
export class CreateKeys1763942600000 implements MigrationInterface {
  name = 'CreateKeys1763942600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'managed_key',
        columns: [
          { name: 'kid', type: 'varchar', length: '100', isPrimary: true },
          { name: 'kms', type: 'varchar', length: '32' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'public_key_hex', type: 'varchar', length: '200' },
          { name: 'meta', type: 'text', isNullable: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'private_key',
        columns: [
          { name: 'alias', type: 'varchar', length: '100', isPrimary: true },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'sealed', type: 'text' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'managed_did',
        columns: [
          { name: 'did', type: 'varchar', length: '64', isPrimary: true },
          { name: 'provider', type: 'varchar', length: '32' },
          { name: 'alias', type: 'varchar', length: '100', isNullable: true },
          { name: 'controller_key_id', type: 'varchar', length: '100' },
          { name: 'keys', type: 'text' },
          { name: 'services', type: 'text' },
          { name: 'owner_id', type: 'varchar', length: '36', isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('managed_did');
    await queryRunner.dropTable('private_key');
    await queryRunner.dropTable('managed_key');
  }
}

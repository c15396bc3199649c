import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Issuance records: ids, types, token hashes, never claim values (docs/credentials.md). */
export class CreateCredentialRecord1763942800000 implements MigrationInterface {
  name = 'CreateCredentialRecord1763942800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'credential_record',
        columns: [
          { name: 'id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'issuer_did', type: 'varchar', length: '200' },
          { name: 'types', type: 'text' },
          { name: 'format', type: 'varchar', length: '16' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'status_entries', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '40' },
        ],
      }),
    );
    await queryRunner.createIndex('credential_record', new TableIndex({ name: 'idx_credential_record_tenant', columnNames: ['tenant_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('credential_record');
  }
}

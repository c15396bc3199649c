import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** OpenID4VP presentation requests of relying parties (docs/wallets.md). */
export class CreateOid4vpRequest1763943280000 implements MigrationInterface {
  name = 'CreateOid4vpRequest1763943280000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'oid4vp_request',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'client_id', type: 'varchar', length: '300' },
          { name: 'nonce', type: 'varchar', length: '64' },
          { name: 'state', type: 'varchar', length: '64' },
          { name: 'response_mode', type: 'varchar', length: '16' },
          { name: 'query', type: 'text' },
          { name: 'request_object', type: 'text' },
          { name: 'authorization_request', type: 'text' },
          { name: 'decryption_key', type: 'text', isNullable: true },
          { name: 'webhook', type: 'varchar', length: '2000', isNullable: true },
          { name: 'result', type: 'text', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '40' },
          { name: 'expires_at', type: 'varchar', length: '40' },
        ],
      }),
    );
    await queryRunner.createIndex('oid4vp_request', new TableIndex({ name: 'idx_oid4vp_request_tenant', columnNames: ['tenant_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oid4vp_request');
  }
}

import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** OpenID4VCI offers and nonces (docs/wallets.md): this region's only, never replicated. */
export class CreateOid4vci1763943290000 implements MigrationInterface {
  name = 'CreateOid4vci1763943290000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'oid4vci_offer',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'tenant_id', type: 'varchar', length: '36' },
          { name: 'code', type: 'varchar', length: '64' },
          { name: 'tx_code_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'tx_code_attempts', type: 'integer', default: 0 },
          { name: 'configuration_id', type: 'varchar', length: '32' },
          { name: 'request', type: 'text' },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'access_token_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'dpop_jkt', type: 'varchar', length: '64', isNullable: true },
          { name: 'expires_at', type: 'varchar', length: '16' },
        ],
      }),
    );
    await queryRunner.createIndex('oid4vci_offer', new TableIndex({ name: 'idx_oid4vci_offer_code', columnNames: ['code'], isUnique: true }));
    await queryRunner.createIndex('oid4vci_offer', new TableIndex({ name: 'idx_oid4vci_offer_token', columnNames: ['access_token_hash'], isUnique: true }));
    await queryRunner.createIndex('oid4vci_offer', new TableIndex({ name: 'idx_oid4vci_offer_expires', columnNames: ['expires_at'] }));
    await queryRunner.createTable(
      new Table({
        name: 'oid4vci_nonce',
        columns: [
          { name: 'hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'expires_at', type: 'varchar', length: '16' },
        ],
      }),
    );
    await queryRunner.createIndex('oid4vci_nonce', new TableIndex({ name: 'idx_oid4vci_nonce_expires', columnNames: ['expires_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oid4vci_nonce');
    await queryRunner.dropTable('oid4vci_offer');
  }
}

import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Issuance anchors by digest (docs/ledger.md, `anchor` entries), and their outbox (docs/credentials.md). */
export class CreateCredentialAnchor1763943250000 implements MigrationInterface {
  name = 'CreateCredentialAnchor1763943250000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'credential_anchor',
        columns: [
          { name: 'digest', type: 'varchar', length: '43', isPrimary: true },
          { name: 'log', type: 'varchar', length: '32', isPrimary: true },
          { name: 'idx', type: 'integer', isPrimary: true },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'credential_anchor_pending',
        columns: [
          { name: 'digest', type: 'varchar', length: '43', isPrimary: true },
          { name: 'created_at', type: 'varchar', length: '40' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('credential_anchor_pending');
    await queryRunner.dropTable('credential_anchor');
  }
}

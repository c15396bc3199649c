import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Issuance anchors by digest (docs/ledger.md, `anchor` entries): one indexed lookup per verification. */
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
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('credential_anchor');
  }
}

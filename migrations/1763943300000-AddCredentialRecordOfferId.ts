import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A credential issued through an OpenID4VCI offer remembers the offer's id, so the issuer tenant
 * can find its credentialId (GET /oid4vci/offers/{id}/credentials) and change its status.
 */
export class AddCredentialRecordOfferId1763943300000 implements MigrationInterface {
  name = 'AddCredentialRecordOfferId1763943300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('credential_record', new TableColumn({ name: 'offer_id', type: 'varchar', length: '36', isNullable: true }));
    await queryRunner.createIndex('credential_record', new TableIndex({ name: 'idx_credential_record_offer', columnNames: ['offer_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('credential_record', 'idx_credential_record_offer');
    await queryRunner.dropColumn('credential_record', 'offer_id');
  }
}

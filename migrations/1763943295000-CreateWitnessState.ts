import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** What this region, as a C2SP tlog-witness, cosigned last of each log (docs/tiles.md): one row per origin. */
export class CreateWitnessState1763943295000 implements MigrationInterface {
  name = 'CreateWitnessState1763943295000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'witness_state',
        columns: [
          { name: 'origin', type: 'varchar', length: '200', isPrimary: true },
          { name: 'size', type: 'integer' },
          { name: 'root_hash', type: 'varchar', length: '44' },
          { name: 'updated_at', type: 'varchar', length: '40' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('witness_state');
  }
}

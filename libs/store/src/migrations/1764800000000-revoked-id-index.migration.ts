import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { storeDriverOf } from '../database/store-driver';

const TABLE = 'revocations';
const INDEX = new TableIndex({ name: 'IDX_revocations_revoked_id', columnNames: ['revoked_id'] });

/**
 * `IDX_revocations_revoked_id`: whether an object is revoked on any issuer's list is asked by its
 * id alone (getClrs leaves revoked CLRs out, a full run looks for learners whose CLR is not
 * revoked yet); the unique key leads with the issuer and cannot answer that. The other drivers
 * get a bare `Table` so their DDL renders offline, as the SQL Server snapshot needs.
 */
export class RevokedIdIndex1764800000000 implements MigrationInterface {
  readonly name = 'RevokedIdIndex1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (storeDriverOf(queryRunner.connection.options.type) === 'sqlite') {
      await queryRunner.query(`CREATE INDEX "${INDEX.name}" ON "${TABLE}" ("revoked_id")`);
    } else {
      await queryRunner.createIndex(new Table({ name: TABLE }), INDEX);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (storeDriverOf(queryRunner.connection.options.type) === 'sqlite') {
      await queryRunner.query(`DROP INDEX "${INDEX.name}"`);
    } else {
      await queryRunner.dropIndex(new Table({ name: TABLE, indices: [INDEX] }), INDEX);
    }
  }
}

import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import { storeDriverOf } from '../database/store-driver';

const TABLE = 'assertion_ledger';
const INDEX = new TableIndex({ name: 'IDX_assertion_ledger_achievement', columnNames: ['achievement_id'] });

/**
 * `IDX_assertion_ledger_achievement`: the public `GET /achievements/{h}` finds an assertion of the
 * achievement by its id alone (no caller should make it scan the ledger), as republish by
 * achievement does. SQLite gets the statement itself, the other drivers a bare `Table` so their
 * DDL renders offline for the SQL Server snapshot.
 */
export class LedgerAchievementIndex1764900000000 implements MigrationInterface {
  readonly name = 'LedgerAchievementIndex1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (storeDriverOf(queryRunner.connection.options.type) === 'sqlite') {
      await queryRunner.query(`CREATE INDEX "${INDEX.name}" ON "${TABLE}" ("achievement_id")`);
      return;
    }
    await queryRunner.createIndex(new Table({ name: TABLE }), INDEX);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (storeDriverOf(queryRunner.connection.options.type) === 'sqlite') {
      await queryRunner.query(`DROP INDEX "${INDEX.name}"`);
      return;
    }
    await queryRunner.dropIndex(new Table({ name: TABLE, indices: [INDEX] }), INDEX);
  }
}

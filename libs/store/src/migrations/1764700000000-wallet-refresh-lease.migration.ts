import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { storeDriverOf } from '../database/store-driver';
import { SchemaColumns } from './schema-columns';

const TABLE = 'wallet_connections';

/**
 * `wallet_connections.refresh_claimed_until`: while it lies ahead, one worker process is spending
 * the connection's refresh token (refresh tokens rotate, so a second process must not send it
 * too). Nullable: no connection holds a claim when it is added. SQLite adds and drops it with
 * plain `ALTER TABLE`; the other drivers get a bare `Table` so their DDL renders offline.
 */
export class WalletRefreshLease1764700000000 implements MigrationInterface {
  readonly name = 'WalletRefreshLease1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = storeDriverOf(queryRunner.connection.options.type);
    const column = new TableColumn(
      new SchemaColumns(driver).timestamp('refresh_claimed_until', { nullable: true }),
    );
    if (driver === 'sqlite') {
      await queryRunner.query(`ALTER TABLE "${TABLE}" ADD COLUMN "${column.name}" ${column.type} NULL`);
    } else {
      await queryRunner.addColumn(new Table({ name: TABLE }), column);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const driver = storeDriverOf(queryRunner.connection.options.type);
    const column = new TableColumn(
      new SchemaColumns(driver).timestamp('refresh_claimed_until', { nullable: true }),
    );
    if (driver === 'sqlite') {
      await queryRunner.query(`ALTER TABLE "${TABLE}" DROP COLUMN "${column.name}"`);
    } else {
      await queryRunner.dropColumn(new Table({ name: TABLE, columns: [column] }), column);
    }
  }
}

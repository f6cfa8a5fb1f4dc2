import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { storeDriverOf } from '../database/store-driver';
import { SchemaColumns } from './schema-columns';

/** The columns this migration adds, by table. Both nullable, so existing rows need no value. */
const ADDED: readonly { table: string; column: (c: SchemaColumns) => TableColumn }[] = [
  // Who revoked an assertion: `build` (its SIS row vanished) or `operator` (it stays revoked).
  {
    table: 'assertion_ledger',
    column: (c) => new TableColumn(c.string('revoked_by', 16, { nullable: true })),
  },
  // Where a delivery target came from: `config` (synced by name) or `runtime` (added over /admin).
  { table: 'delivery_targets', column: (c) => new TableColumn(c.string('origin', 16, { nullable: true })) },
];

/**
 * What operators change at run time: who revoked a ledger entry (an operator's revocation wins
 * over later builds) and where a delivery target came from (a configuration sync leaves runtime
 * targets alone). SQLite adds and drops the columns with plain `ALTER TABLE` (TypeORM would copy
 * the table); the other drivers get a bare `Table` so their DDL renders offline, as the SQL Server
 * snapshot needs, without reading the catalogue.
 */
export class OperatorControls1764500000000 implements MigrationInterface {
  readonly name = 'OperatorControls1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = storeDriverOf(queryRunner.connection.options.type);
    const c = new SchemaColumns(driver);
    for (const { table, column } of ADDED) {
      const added = column(c);
      if (driver === 'sqlite') {
        await queryRunner.query(
          `ALTER TABLE "${table}" ADD COLUMN "${added.name}" ${added.type}(${added.length}) NULL`,
        );
      } else {
        await queryRunner.addColumn(new Table({ name: table }), added);
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const driver = storeDriverOf(queryRunner.connection.options.type);
    const c = new SchemaColumns(driver);
    for (const { table, column } of [...ADDED].reverse()) {
      const added = column(c);
      if (driver === 'sqlite') {
        await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${added.name}"`);
      } else {
        await queryRunner.dropColumn(new Table({ name: table, columns: [added] }), added);
      }
    }
  }
}

import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { storeDriverOf } from '../database/store-driver';
import { SchemaColumns } from './schema-columns';

/**
 * The publishing pipeline's tables: run plans (extraction state and batch counts), build batches
 * (learner ids kept out of Redis), the one-active-run slot per SIS source, and the (key, owner
 * Profile) pairs whose key documents are published. Tables only, keys inline, like the first
 * migration, so the SQL Server DDL renders offline.
 */
export class RunPipeline1764400000000 implements MigrationInterface {
  readonly name = 'RunPipeline1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(storeDriverOf(queryRunner.connection.options.type));

    await queryRunner.createTable(
      new Table({
        name: 'sync_run_plans',
        columns: [
          c.stringKey('run_id', 36),
          c.text('request', { nullable: true }),
          c.string('extract_status', 16),
          c.int('batches_total'),
          c.int('batches_done'),
          c.int('batches_failed'),
          c.int('learners_removed'),
          c.int('assertions_revoked'),
          c.timestamp('updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'run_batches',
        columns: [
          c.stringKey('id', 36),
          c.string('run_id', 36),
          c.int('seq'),
          c.text('learner_ids'),
          c.int('learner_count'),
          c.string('status', 16),
          c.string('error', 1000, { nullable: true }),
          c.timestamp('created_at'),
          c.timestamp('finished_at', { nullable: true }),
        ],
        uniques: [{ name: 'UQ_run_batches_run_seq', columnNames: ['run_id', 'seq'] }],
        indices: [{ name: 'IDX_run_batches_run_status', columnNames: ['run_id', 'status'] }],
        foreignKeys: [
          {
            name: 'FK_run_batches_run',
            columnNames: ['run_id'],
            referencedTableName: 'sync_runs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sync_run_slots',
        columns: [c.stringKey('source', 100), c.string('run_id', 36), c.timestamp('acquired_at')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'signing_key_owners',
        columns: [
          c.stringKey('document_id', 200),
          c.string('kid', 128),
          c.string('owner_id', 400),
          c.timestamp('created_at'),
        ],
        indices: [{ name: 'IDX_signing_key_owners_kid', columnNames: ['kid'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['signing_key_owners', 'sync_run_slots', 'run_batches', 'sync_run_plans']) {
      await queryRunner.dropTable(table);
    }
  }
}

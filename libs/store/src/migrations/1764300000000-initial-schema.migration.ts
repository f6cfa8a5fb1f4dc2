import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { storeDriverOf } from '../database/store-driver';
import { SchemaColumns } from './schema-columns';

/**
 * The store's first schema, written with TypeORM's Table API so each driver emits its own DDL.
 * Indexes, uniques and foreign keys are declared inside `new Table(...)` (not with separate
 * createIndex calls) so the SQL Server DDL can be generated without a server.
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  readonly name = 'InitialSchema1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(storeDriverOf(queryRunner.connection.options.type));

    await queryRunner.createTable(
      new Table({
        name: 'sync_runs',
        columns: [
          c.stringKey('id', 36),
          c.string('source', 100),
          c.string('mode', 16),
          c.string('triggered_by', 16),
          c.string('requested_by', 200, { nullable: true }),
          c.string('status', 16),
          c.timestamp('created_at'),
          c.timestamp('started_at', { nullable: true }),
          c.timestamp('finished_at', { nullable: true }),
          c.timestamp('updated_at'),
          c.int('learners_seen'),
          c.int('learners_built'),
          c.int('learners_unchanged'),
          c.int('learners_failed'),
          c.int('deliveries_queued'),
          c.int('assertions_signed'),
          c.int('problem_count'),
          c.text('pending_watermarks', { nullable: true }),
          c.string('error', 1000, { nullable: true }),
        ],
        indices: [
          { name: 'IDX_sync_runs_source_status', columnNames: ['source', 'status'] },
          { name: 'IDX_sync_runs_created_at', columnNames: ['created_at'] },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sync_problems',
        columns: [
          c.serialKey('id'),
          c.string('run_id', 36),
          c.string('record_set', 64),
          c.string('record_key', 255),
          c.string('reason', 1000),
          c.string('effect', 16, { nullable: true }),
          c.string('learner_ref', 128, { nullable: true }),
          c.timestamp('created_at'),
        ],
        indices: [{ name: 'IDX_sync_problems_run', columnNames: ['run_id'] }],
        foreignKeys: [
          {
            name: 'FK_sync_problems_run',
            columnNames: ['run_id'],
            referencedTableName: 'sync_runs',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            // Explicit: MySQL/MariaDB would record their default, RESTRICT, as a different rule.
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'watermarks',
        columns: [
          c.stringKey('source', 100),
          c.stringKey('record_set', 64),
          c.string('value', 255),
          c.string('run_id', 36, { nullable: true }),
          c.timestamp('committed_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'clr_versions',
        columns: [
          c.stringKey('id', 36),
          c.string('learner_ref', 128),
          c.string('learner_id', 255),
          c.int('version'),
          c.string('content_hash', 128),
          c.string('clr_id', 400),
          c.text('signed_payload', { nullable: true }),
          c.text('unsigned_json'),
          c.timestamp('issued_on'),
          c.string('key_id', 128, { nullable: true }),
          c.string('run_id', 36, { nullable: true }),
          c.timestamp('created_at'),
        ],
        uniques: [{ name: 'UQ_clr_versions_learner_version', columnNames: ['learner_ref', 'version'] }],
        indices: [{ name: 'IDX_clr_versions_clr_id', columnNames: ['clr_id'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'assertion_ledger',
        columns: [
          c.stringKey('assertion_id', 400),
          c.string('learner_ref', 128),
          c.string('source_kind', 32),
          c.string('source_key', 255),
          c.string('achievement_id', 400),
          c.string('status', 16),
          c.string('revocation_reason', 500, { nullable: true }),
          c.timestamp('revoked_at', { nullable: true }),
          c.int('first_version'),
          c.int('last_version'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        indices: [{ name: 'IDX_assertion_ledger_learner_status', columnNames: ['learner_ref', 'status'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          c.stringKey('kid', 128),
          c.string('algorithm', 16),
          c.text('public_pem'),
          c.text('private_key_enc'),
          c.string('status', 16),
          c.string('active_slot', 128),
          c.timestamp('created_at'),
          c.timestamp('retired_at', { nullable: true }),
        ],
        uniques: [{ name: 'UQ_signing_keys_active_slot', columnNames: ['active_slot'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'revocations',
        columns: [
          c.serialKey('id'),
          c.string('issuer_id', 255),
          c.string('revoked_id', 400),
          c.string('reason', 500, { nullable: true }),
          c.timestamp('revoked_at'),
        ],
        uniques: [{ name: 'UQ_revocations_issuer_object', columnNames: ['issuer_id', 'revoked_id'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'delivery_targets',
        columns: [
          c.stringKey('id', 36),
          c.string('name', 100),
          c.string('base_url', 500),
          c.string('auth_mode', 32),
          c.string('client_id', 255, { nullable: true }),
          c.text('client_secret_enc', { nullable: true }),
          c.string('token_url', 500, { nullable: true }),
          c.string('scopes', 1000),
          c.string('payload_form', 16),
          c.int('concurrency'),
          c.double('rate_per_second'),
          c.int('timeout_ms'),
          c.boolean('enabled'),
          c.string('discovery_url', 500, { nullable: true }),
          c.text('registration_enc', { nullable: true }),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [{ name: 'UQ_delivery_targets_name', columnNames: ['name'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'deliveries',
        columns: [
          c.stringKey('id', 36),
          c.string('target_id', 36),
          c.string('learner_ref', 128),
          c.string('clr_version_id', 36),
          c.int('version_number'),
          c.string('status', 16),
          c.int('attempts'),
          c.int('last_http_status', { nullable: true }),
          c.string('last_error', 1000, { nullable: true }),
          c.text('imsx_body', { nullable: true }),
          c.timestamp('next_attempt_at', { nullable: true }),
          c.timestamp('delivered_at', { nullable: true }),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [{ name: 'UQ_deliveries_target_version', columnNames: ['target_id', 'clr_version_id'] }],
        indices: [
          {
            name: 'IDX_deliveries_learner_target_version',
            columnNames: ['learner_ref', 'target_id', 'version_number'],
          },
          { name: 'IDX_deliveries_status_next_attempt', columnNames: ['status', 'next_attempt_at'] },
        ],
        foreignKeys: [
          {
            name: 'FK_deliveries_target',
            columnNames: ['target_id'],
            referencedTableName: 'delivery_targets',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          },
          {
            name: 'FK_deliveries_clr_version',
            columnNames: ['clr_version_id'],
            referencedTableName: 'clr_versions',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          c.serialKey('id'),
          c.string('actor', 200),
          c.string('action', 100),
          c.string('subject', 400, { nullable: true }),
          c.text('details', { nullable: true }),
          c.timestamp('at'),
        ],
        indices: [
          { name: 'IDX_audit_log_subject', columnNames: ['subject'] },
          { name: 'IDX_audit_log_at', columnNames: ['at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'deliveries',
      'delivery_targets',
      'revocations',
      'signing_keys',
      'assertion_ledger',
      'clr_versions',
      'watermarks',
      'sync_problems',
      'sync_runs',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}

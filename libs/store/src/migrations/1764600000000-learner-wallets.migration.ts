import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { storeDriverOf } from '../database/store-driver';
import { SchemaColumns } from './schema-columns';

/**
 * Learner wallets: the publisher's OAuth client per wallet host, pending authorization requests
 * (state hash, PKCE verifier encrypted), and per-learner connections (tokens encrypted) with the
 * delivery target each one owns. Tables only, keys inline, so the SQL Server DDL renders offline.
 */
export class LearnerWallets1764600000000 implements MigrationInterface {
  readonly name = 'LearnerWallets1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(storeDriverOf(queryRunner.connection.options.type));

    await queryRunner.createTable(
      new Table({
        name: 'wallet_clients',
        columns: [
          c.stringKey('host', 255),
          c.string('base_url', 500),
          c.string('authorization_url', 500),
          c.string('token_url', 500),
          c.string('scopes_offered', 1000),
          c.string('client_id', 255),
          c.text('client_secret_enc', { nullable: true }),
          c.string('redirect_uri', 500),
          c.text('registration_enc', { nullable: true }),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'wallet_authorizations',
        columns: [
          c.stringKey('state_hash', 64),
          c.string('learner_ref', 128),
          c.string('wallet_host', 255),
          c.text('code_verifier_enc'),
          c.timestamp('expires_at'),
          c.timestamp('created_at'),
        ],
        indices: [{ name: 'IDX_wallet_authorizations_expires', columnNames: ['expires_at'] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'wallet_connections',
        columns: [
          c.stringKey('id', 36),
          c.string('learner_ref', 128),
          c.string('wallet_host', 255),
          c.string('target_id', 36),
          c.string('status', 16),
          c.string('scopes', 1000),
          c.text('access_token_enc', { nullable: true }),
          c.timestamp('access_expires_at', { nullable: true }),
          c.text('refresh_token_enc', { nullable: true }),
          c.string('status_reason', 1000, { nullable: true }),
          c.timestamp('connected_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [
          { name: 'UQ_wallet_connections_learner_wallet', columnNames: ['learner_ref', 'wallet_host'] },
        ],
        indices: [{ name: 'IDX_wallet_connections_target', columnNames: ['target_id'] }],
        foreignKeys: [
          {
            name: 'FK_wallet_connections_target',
            columnNames: ['target_id'],
            referencedTableName: 'delivery_targets',
            referencedColumnNames: ['id'],
            onDelete: 'NO ACTION',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('wallet_connections');
    await queryRunner.dropTable('wallet_authorizations');
    await queryRunner.dropTable('wallet_clients');
  }
}

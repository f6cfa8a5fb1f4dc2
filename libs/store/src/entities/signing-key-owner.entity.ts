import { Entity, Index } from 'typeorm';
import { PrimaryStringColumn, StringColumn, TimestampColumn } from '../database/portable-column';

/**
 * A (signing key, owner Profile) pair a signature was made with: the CryptographicKey document
 * `{base}/ims/clr/v1p0/keys/{documentId}` is published for each, for as long as the key is kept.
 */
@Entity({ name: 'signing_key_owners' })
@Index('IDX_signing_key_owners_kid', ['kid'])
export class SigningKeyOwnerEntity {
  /** Last path segment of the key document's URL. */
  @PrimaryStringColumn('document_id', 200)
  documentId!: string;

  @StringColumn('kid', 128)
  kid!: string;

  /** The owning Profile's id. */
  @StringColumn('owner_id', 400)
  ownerId!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;
}

import { Entity } from 'typeorm';
import { PrimaryStringColumn, StringColumn, TextColumn, TimestampColumn } from '../database/portable-column';

/**
 * The publisher's OAuth client at one learner wallet (a CLR consumer), registered dynamically
 * (RFC 7591, authorization_code + refresh_token) the first time a learner connects that wallet.
 * One per wallet host, shared by every learner connecting it.
 */
@Entity({ name: 'wallet_clients' })
export class WalletClientEntity {
  /** The wallet's host (`host[:port]`, lower case). */
  @PrimaryStringColumn('host', 255)
  host!: string;

  /** The wallet's base URL (its CLR API is under `/ims/clr/v1p0`). */
  @StringColumn('base_url', 500)
  baseUrl!: string;

  @StringColumn('authorization_url', 500)
  authorizationUrl!: string;

  @StringColumn('token_url', 500)
  tokenUrl!: string;

  /** Space-separated scopes the wallet offered in its discovery document. */
  @StringColumn('scopes_offered', 1000)
  scopesOffered!: string;

  @StringColumn('client_id', 255)
  clientId!: string;

  /** Encrypted by KeyCipher; read with WalletRepository.clientSecret. */
  @TextColumn('client_secret_enc', { nullable: true })
  clientSecretEnc!: string | null;

  /** The redirect URI registered (a changed configuration registers again). */
  @StringColumn('redirect_uri', 500)
  redirectUri!: string;

  /** RFC 7591 registration response, encrypted (it carries the secret). */
  @TextColumn('registration_enc', { nullable: true })
  registrationEnc!: string | null;

  @TimestampColumn('created_at')
  createdAt!: Date;

  @TimestampColumn('updated_at')
  updatedAt!: Date;
}

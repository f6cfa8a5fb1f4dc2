import { type StoreContext } from '../database/store-context';
import { SigningKeyOwnerEntity } from '../entities/signing-key-owner.entity';
import { insertUnlessExists, requireText } from './repository-helpers';

export interface SigningKeyOwnerInput {
  /** Last path segment of the key document's URL. */
  documentId: string;
  kid: string;
  ownerId: string;
}

/** The (key, owner Profile) pairs signatures were made with, i.e. the key documents to publish. */
export class SigningKeyOwnerRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** Records a pair unless already there; true when this call added it. */
  async record(input: SigningKeyOwnerInput): Promise<boolean> {
    const row = {
      documentId: requireText(input.documentId, 'documentId', 200),
      kid: requireText(input.kid, 'kid', 128),
      ownerId: requireText(input.ownerId, 'ownerId', 400),
      createdAt: this.ctx.now(),
    };
    return this.ctx.transaction((m) =>
      insertUnlessExists(m, (inner) => inner.insert(SigningKeyOwnerEntity, row)),
    );
  }

  async get(documentId: string): Promise<SigningKeyOwnerEntity | null> {
    return this.ctx.run((m) => m.findOneBy(SigningKeyOwnerEntity, { documentId }));
  }

  /** Every pair, by document id. */
  async list(): Promise<SigningKeyOwnerEntity[]> {
    return this.ctx.run((m) => m.find(SigningKeyOwnerEntity, { order: { documentId: 'ASC' } }));
  }

  /** Whether any key was ever used for this owner Profile. */
  async hasOwner(ownerId: string): Promise<boolean> {
    return this.ctx.run((m) => m.existsBy(SigningKeyOwnerEntity, { ownerId }));
  }
}

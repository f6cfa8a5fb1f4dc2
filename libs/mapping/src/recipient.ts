import { hashIdentity, type Identity, normalizeIdentity } from '@app/clr';
import { type RecipientIdentityPolicy } from './mapping-context';

/** Builds the recipient of the assertion with the given id. */
export type RecipientBuilder = (assertionId: string) => Identity;

/** The learner Profile property that identifies the recipient, and its (normalised) value. */
export interface RecipientSource {
  type: 'email' | 'studentId';
  value: string;
}

/**
 * Which learner property identifies the recipient. `email-then-studentId` takes the email when
 * the learner has a valid one; `email` wants it (the caller reports a learner without one, who
 * is then identified by student id, since every assertion needs a recipient); `studentId` always
 * takes the student id. The email is trimmed and lower-cased, as the learner Profile shows it.
 */
export function chooseRecipientSource(
  policy: RecipientIdentityPolicy,
  studentId: string,
  email: string | undefined,
): { source: RecipientSource; emailMissing: boolean } {
  if (policy !== 'studentId' && email !== undefined) {
    return { source: { type: 'email', value: normalizeIdentity('email', email) }, emailMissing: false };
  }
  return { source: { type: 'studentId', value: studentId }, emailMissing: policy === 'email' };
}

/**
 * The recipient builder for one learner: `{type, identity: sha256$..., hashed: true, salt}` with
 * the salt derived from the assertion id (see `ClrIdFactory.recipientSalt`), or the plain value
 * when hashing is off.
 */
export function recipientBuilder(
  source: RecipientSource,
  hashed: boolean,
  saltFor: (assertionId: string) => string,
): RecipientBuilder {
  return (assertionId) => {
    if (!hashed) return { type: source.type, identity: source.value, hashed: false };
    const { identity, salt } = hashIdentity(source.value, saltFor(assertionId));
    return { type: source.type, identity, hashed: true, salt };
  };
}

/** Why a store operation refused or failed. */
export type StoreErrorCode =
  /** Store options are missing or malformed. */
  | 'INVALID_OPTIONS'
  /** An argument is outside what the operation accepts. */
  | 'INVALID_ARGUMENT'
  /** The database schema is behind the code: run `clr-publisher migrate`. */
  | 'SCHEMA_OUTDATED'
  /** Another writer stored this learner's version first, or the caller diffed against a stale one. */
  | 'VERSION_CONFLICT'
  /** Two key rotations raced; the other one won. */
  | 'KEY_ROTATION_CONFLICT'
  /** No signing key is active yet. */
  | 'NO_ACTIVE_KEY'
  /** The configured master key does not decrypt the stored signing keys (another store's key). */
  | 'WRONG_MASTER_KEY'
  /** The row the operation names does not exist. */
  | 'NOT_FOUND'
  /** A unique value (name, id) is already taken. */
  | 'DUPLICATE';

/** A store error with a stable code. Messages name ids and fields, never personal data. */
export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type PublicReadErrorCode =
  /** A stored version cannot be read back (a bug or a damaged database, never the caller's fault). */
  'CORRUPT_VERSION';

/** A failure of the public read side that is the publisher's own (the endpoints answer 500). */
export class PublicReadError extends Error {
  constructor(
    readonly code: PublicReadErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PublicReadError';
  }
}

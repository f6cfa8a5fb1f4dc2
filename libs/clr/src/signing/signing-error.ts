export type SigningErrorCode = 'no-signer' | 'invalid-object' | 'invalid-signers';

/** An object could not be signed; `message` names where (`$.assertions[3]`) and why. */
export class SigningError extends Error {
  constructor(
    readonly code: SigningErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'SigningError';
  }
}

import { type ImsxCodeMinorValue, imsxCodeMinorForHttpStatus } from '@app/clr';

/**
 * An answer of the public CLR endpoints other than a document: the filter turns it into an
 * `imsx_StatusInfo` body. `description` is shown to the caller, so it names what is wrong and
 * never echoes ids, tokens or other submitted values.
 */
export class PublicHttpError extends Error {
  readonly codeMinor: ImsxCodeMinorValue;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    readonly description: string,
    options: { codeMinor?: ImsxCodeMinorValue; headers?: Record<string, string> } = {},
  ) {
    super(`HTTP ${status}: ${description}`);
    this.name = 'PublicHttpError';
    this.codeMinor = options.codeMinor ?? imsxCodeMinorForHttpStatus(status);
    this.headers = options.headers ?? {};
  }

  /**
   * The one 404 of these endpoints: the same for an id that names nothing and one that could
   * never name anything, so probing ids teaches nothing.
   */
  static notFound(): PublicHttpError {
    return new PublicHttpError(404, 'No such resource', { codeMinor: 'unknown' });
  }
}

/**
 * Why an alignment could not be resolved from CASE (or was resolved from a stale copy). A warning
 * never fails a learner: the alignment falls back to the item URI and the competency's own name.
 * Messages name the item URI and the cause, never learner data.
 */
export type CaseWarningCode =
  /** The URI is not an absolute URL; no alignment can point at it. */
  | 'invalid-uri'
  /** No package has the item and the service answered 404 (or no service is configured). */
  | 'unknown-item'
  /** The service did not answer within the timeout. */
  | 'service-timeout'
  /** The service could not be reached (connection refused, DNS, TLS ...). */
  | 'service-unreachable'
  /** The service answered with an unexpected HTTP status (5xx, 401 ...). */
  | 'service-error'
  /** The service answered 200 with a body that is not JSON or not a CFItem/CFPackage. */
  | 'bad-response'
  /** The body exceeded the configured size bound. */
  | 'response-too-large'
  /** The service failed and the alignment came from a cached copy older than the TTL. */
  | 'stale-cache';

export interface CaseWarning {
  code: CaseWarningCode;
  /** The CFItem URI concerned (or the package URL for a package refresh). */
  uri: string;
  message: string;
}

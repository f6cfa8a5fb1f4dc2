/** One problem found in a document: where (JSON path, e.g. `$.clr.assertions[3].recipient`) and why. */
export interface Finding {
  path: string;
  reason: string;
  /** Which layer found it. */
  stage: 'input' | 'structure' | 'json-ld' | 'semantics' | 'signature' | 'key' | 'revocation';
  /**
   * Set when the problem is that a key, revocation list or profile could not be fetched for a
   * reason that may pass (timeout, server unavailable): asking again later may succeed.
   */
  transient?: true;
}

export interface ValidationReport {
  valid: boolean;
  findings: Finding[];
  /**
   * Remarks that do not make the document invalid (e.g. a recipient `type` of `id`, valid CLR 1.0
   * but not a term of the JSON-LD context). Absent when there are none.
   */
  warnings?: Finding[];
}

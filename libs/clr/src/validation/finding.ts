/** One problem found in a document: where (JSON path, e.g. `$.clr.assertions[3].recipient`) and why. */
export interface Finding {
  path: string;
  reason: string;
  /** Which layer found it. */
  stage: 'input' | 'structure' | 'json-ld' | 'semantics' | 'signature' | 'key' | 'revocation';
}

export interface ValidationReport {
  valid: boolean;
  findings: Finding[];
}

/**
 * Bounds on free text copied from the SIS into a CLR, in characters (code points). Longer text
 * is cut (ending in "…") and reported as a degraded row: a CLR is shown in wallets and signed
 * whole, so one runaway description must not bloat it.
 */
export const TEXT_LIMITS = {
  name: 512,
  description: 4000,
  code: 64,
  term: 64,
  role: 256,
  level: 128,
  fieldOfStudy: 256,
  personName: 256,
} as const;

export type TextField = keyof typeof TEXT_LIMITS;

// C0/C1 control characters other than tab, line feed and carriage return carry no meaning in a
// CLR and break some viewers.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

export interface BoundedText {
  text: string;
  truncated: boolean;
}

/**
 * Trims, drops control characters and bounds a SIS text. Undefined for NULL or blank text.
 */
export function boundText(value: string | null | undefined, field: TextField): BoundedText | undefined {
  if (value === null || value === undefined) return undefined;
  const cleaned = value.replace(CONTROL_CHARACTERS, '').trim();
  if (cleaned === '') return undefined;
  const limit = TEXT_LIMITS[field];
  const chars = Array.from(cleaned);
  if (chars.length <= limit) return { text: cleaned, truncated: false };
  return {
    text: `${chars
      .slice(0, limit - 1)
      .join('')
      .trimEnd()}…`,
    truncated: true,
  };
}

/** True for a plausible mailbox (`local@domain.tld`, at most 254 characters). */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/.test(value);
}

/** True for an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** True for an absolute URI of any scheme (what `Alignment.targetUrl` holds). */
export function isAbsoluteUri(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    new URL(value);
    return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value);
  } catch {
    return false;
  }
}

/** Deterministic string order (UTF-16 code units), independent of the machine's locale. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

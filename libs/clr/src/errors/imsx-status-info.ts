import {
  CLR_CONTEXT_URL,
  IMSX_CODE_MAJORS,
  IMSX_CODE_MINOR_VALUES,
  IMSX_SEVERITIES,
  type ImsxCodeMajor,
  type ImsxCodeMinorField,
  type ImsxCodeMinorValue,
  type ImsxSeverity,
  type ImsxStatusInfo,
} from '../model';

/** Name we put in `imsx_codeMinorFieldName` when the caller does not give one. */
export const DEFAULT_CODE_MINOR_FIELD_NAME = 'clr-publisher';

/** Longest provider description we keep: error bodies end up in logs and job records. */
const MAX_DESCRIPTION_LENGTH = 500;
/** Longest raw text body we try to parse as JSON. */
const MAX_TEXT_BODY_LENGTH = 1_000_000;

export interface ImsxStatusInfoInput {
  codeMajor: ImsxCodeMajor;
  severity: ImsxSeverity;
  description?: string;
  /** One code minor value, or the full list of fields. */
  codeMinor?: ImsxCodeMinorValue | ImsxCodeMinorField[];
  /** `imsx_codeMinorFieldName` for a single `codeMinor` value. */
  codeMinorFieldName?: string;
}

/**
 * Builds our own `imsx_StatusInfo` error body (CLR 1.0 §7): `@context` first, then the
 * required codes, then the optional description and code minor list.
 */
export function buildImsxStatusInfo(input: ImsxStatusInfoInput): ImsxStatusInfo {
  const info: ImsxStatusInfo = {
    '@context': CLR_CONTEXT_URL,
    imsx_codeMajor: input.codeMajor,
    imsx_severity: input.severity,
  };
  if (input.description !== undefined) info.imsx_description = input.description;
  if (input.codeMinor !== undefined) {
    const fields: ImsxCodeMinorField[] =
      typeof input.codeMinor === 'string'
        ? [
            {
              imsx_codeMinorFieldName: input.codeMinorFieldName ?? DEFAULT_CODE_MINOR_FIELD_NAME,
              imsx_codeMinorFieldValue: input.codeMinor,
            },
          ]
        : input.codeMinor.map((field) => ({ ...field }));
    info.imsx_codeMinor = { imsx_codeMinorField: fields };
  }
  return info;
}

/** One code minor field as a provider sent it; `value` is kept even when not a known code. */
export interface ParsedCodeMinor {
  fieldName?: string;
  value: string;
  /** True when `value` is one of the CLR 1.0 code minor values. */
  known: boolean;
}

/** What could be read from a provider's error body. Never throws, whatever the body. */
export interface ParsedImsxStatus {
  /** True when the body had the required `imsx_codeMajor` and `imsx_severity` with known values. */
  conforming: boolean;
  codeMajor?: ImsxCodeMajor;
  severity?: ImsxSeverity;
  /** The provider's description, trimmed, control characters removed, at most 500 characters. */
  description?: string;
  codeMinors: ParsedCodeMinor[];
  /**
   * A one-line summary made of codes only (no provider free text), safe for logs, e.g.
   * `failure/error [invalid_data]` or `non-imsx body (text, 42 chars)`.
   */
  summary: string;
}

/**
 * Reads an `imsx_StatusInfo` from any provider's error body: a parsed object, a JSON string,
 * a Buffer, a body wrapped as `{ imsx_StatusInfo: ... }`, a single code minor field instead of
 * a list, field names in another letter case, or no `@context`. Anything unreadable gives
 * `conforming: false` with a summary saying what was received.
 */
export function parseImsxStatusInfo(body: unknown): ParsedImsxStatus {
  const value = toJsonValue(body);
  if (value.kind !== 'object') {
    return { conforming: false, codeMinors: [], summary: value.summary };
  }
  const record = unwrap(value.object);
  const codeMajor = enumValue(field(record, 'imsx_codeMajor'), IMSX_CODE_MAJORS);
  const severity = enumValue(field(record, 'imsx_severity'), IMSX_SEVERITIES);
  const description = cleanDescription(field(record, 'imsx_description'));
  const codeMinors = readCodeMinors(field(record, 'imsx_codeMinor'));
  const conforming = codeMajor !== undefined && severity !== undefined;
  const minors = codeMinors.length > 0 ? ` [${codeMinors.map((m) => safeCode(m.value)).join(', ')}]` : '';
  const summary = conforming
    ? `${codeMajor}/${severity}${minors}`
    : `non-conforming imsx body (codeMajor ${codeMajor ?? 'missing'}, severity ${severity ?? 'missing'})${minors}`;
  const parsed: ParsedImsxStatus = { conforming, codeMinors, summary };
  if (codeMajor !== undefined) parsed.codeMajor = codeMajor;
  if (severity !== undefined) parsed.severity = severity;
  if (description !== undefined) parsed.description = description;
  return parsed;
}

type JsonValue = { kind: 'object'; object: Record<string, unknown> } | { kind: 'other'; summary: string };

function toJsonValue(body: unknown): JsonValue {
  if (body === undefined || body === null) return { kind: 'other', summary: 'empty body' };
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    return toJsonValue(Buffer.from(body).toString('utf8'));
  }
  if (typeof body === 'string') {
    const text = body.trim();
    if (text.length === 0) return { kind: 'other', summary: 'empty body' };
    if (text.length > MAX_TEXT_BODY_LENGTH || !text.startsWith('{')) {
      return { kind: 'other', summary: `non-imsx body (text, ${text.length} chars)` };
    }
    try {
      return toJsonValue(JSON.parse(text) as unknown);
    } catch {
      return { kind: 'other', summary: `non-imsx body (invalid JSON, ${text.length} chars)` };
    }
  }
  if (typeof body === 'object' && !Array.isArray(body)) {
    return { kind: 'object', object: body as Record<string, unknown> };
  }
  return { kind: 'other', summary: `non-imsx body (${Array.isArray(body) ? 'array' : typeof body})` };
}

/** Some providers wrap the status: `{ "imsx_StatusInfo": { ... } }` (OneRoster habit). */
function unwrap(record: Record<string, unknown>): Record<string, unknown> {
  const inner = field(record, 'imsx_StatusInfo') ?? field(record, 'imsx_statusInfo');
  if (isRecord(inner)) return inner;
  return record;
}

/** Reads a property by exact name first, then case-insensitively. */
function field(record: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) return record[key];
  }
  return undefined;
}

function enumValue<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== 'string') return undefined;
  const normalized = value.trim().toLowerCase();
  return allowed.find((candidate) => candidate.toLowerCase() === normalized);
}

function readCodeMinors(value: unknown): ParsedCodeMinor[] {
  if (!isRecord(value)) return [];
  const fields = field(value, 'imsx_codeMinorField');
  const list: unknown[] = Array.isArray(fields) ? fields : fields === undefined ? [] : [fields];
  const minors: ParsedCodeMinor[] = [];
  for (const item of list.slice(0, 50)) {
    if (!isRecord(item)) continue;
    const raw = field(item, 'imsx_codeMinorFieldValue');
    if (typeof raw !== 'string') continue;
    const known = enumValue(raw, IMSX_CODE_MINOR_VALUES);
    const name = field(item, 'imsx_codeMinorFieldName');
    const minor: ParsedCodeMinor = { value: known ?? raw.slice(0, 100), known: known !== undefined };
    if (typeof name === 'string') minor.fieldName = name.slice(0, 100);
    minors.push(minor);
  }
  return minors;
}

function cleanDescription(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (cleaned.length === 0) return undefined;
  return cleaned.length > MAX_DESCRIPTION_LENGTH ? `${cleaned.slice(0, MAX_DESCRIPTION_LENGTH)}…` : cleaned;
}

/** Unknown code minor values are provider text: keep them out of the summary unless code-like. */
function safeCode(value: string): string {
  return /^[A-Za-z0-9_.:-]{1,60}$/.test(value) ? value : 'unrecognised';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

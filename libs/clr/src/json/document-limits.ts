/** Bounds applied to every document before a schema validator or JSON-LD processor sees it. */
export interface DocumentLimits {
  /** Largest accepted document, in bytes of UTF-8 JSON. Default 8 MiB. */
  maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays (the root object is level 1). Default 64. */
  maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 64;

/** The limits with defaults filled in. Non-positive or non-integer values fall back to the defaults. */
export function resolveLimits(limits?: DocumentLimits): Required<DocumentLimits> {
  return {
    maxBytes: positiveInteger(limits?.maxBytes) ?? DEFAULT_MAX_BYTES,
    maxDepth: positiveInteger(limits?.maxDepth) ?? DEFAULT_MAX_DEPTH,
  };
}

function positiveInteger(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** `8 MiB`, `512 KiB`, `300 bytes`: sizes in findings. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

function round(value: number): string {
  return String(Number(value.toFixed(1)));
}

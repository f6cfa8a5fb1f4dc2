const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?([Zz]|[+-]([0-9]{2}):([0-9]{2}))?$/;

/**
 * Reads an RFC 3339 / ISO 8601 date-time (`2021-01-14T09:30:00Z`, `...T09:30:00.5+01:00`) and
 * checks the calendar. The zone designator is optional here so that a missing zone can be
 * reported as exactly that (by the semantic rules) instead of as a generic format error.
 *
 * @returns undefined when the text is not a date-time at all
 */
export function parseDateTime(value: string): { hasZone: boolean } | undefined {
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // 60 allows a leap second.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  if (match[8] !== undefined && (Number(match[8]) > 23 || Number(match[9]) > 59)) return undefined;
  return { hasZone: match[7] !== undefined };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

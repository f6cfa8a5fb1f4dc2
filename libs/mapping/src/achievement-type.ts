import { ACHIEVEMENT_TYPES, type AchievementType } from '@app/clr';

export type AchievementTypeParse =
  | { kind: 'known'; type: AchievementType }
  | { kind: 'extension'; type: `ext:${string}` }
  | { kind: 'unusable' };

/** Longest name after `ext:` (the rest is cut). */
export const MAX_EXTENSION_TYPE_LENGTH = 64;

function fold(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const BY_FOLDED = new Map<string, AchievementType>(ACHIEVEMENT_TYPES.map((type) => [fold(type), type]));

/**
 * The `achievementType` of a SIS type: one of the CLR enumeration when it matches ignoring case,
 * spaces and punctuation (`community service` -> `CommunityService`), else an extension
 * `ext:<Name>` matching `ext:[a-zA-Z0-9.\-_]+`: accents removed, words joined in PascalCase
 * (`Study abroad` -> `ext:StudyAbroad`). `unusable` when nothing of the name survives.
 */
export function parseAchievementType(value: string): AchievementTypeParse {
  const known = BY_FOLDED.get(fold(value));
  if (known !== undefined) return { kind: 'known', type: known };
  const words = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-zA-Z0-9.\-_]+/)
    .filter((word) => word !== '');
  const name = words
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
    .slice(0, MAX_EXTENSION_TYPE_LENGTH);
  return name === '' ? { kind: 'unusable' } : { kind: 'extension', type: `ext:${name}` };
}

import { parseAchievementType } from './achievement-type';

describe('parseAchievementType', () => {
  it.each([
    ['CommunityService', 'CommunityService'],
    ['community service', 'CommunityService'],
    ['Co-Curricular', 'Co-Curricular'],
    ['cocurricular', 'Co-Curricular'],
    ['LICENSE', 'License'],
  ])('maps %s to the enumeration value %s', (value, type) => {
    expect(parseAchievementType(value)).toEqual({ kind: 'known', type });
  });

  it.each([
    ['Study abroad', 'ext:StudyAbroad'],
    ['Résumé workshop', 'ext:ResumeWorkshop'],
    ['hackathon/2024 (winner)', 'ext:Hackathon2024Winner'],
    ['v1.2_pilot-program', 'ext:V1.2_pilot-program'],
  ])('sanitises %s to the extension %s', (value, type) => {
    const parsed = parseAchievementType(value);
    expect(parsed).toEqual({ kind: 'extension', type });
    expect(type).toMatch(/^ext:[a-zA-Z0-9.\-_]+$/);
  });

  it('bounds an extension name to 64 characters', () => {
    const parsed = parseAchievementType('x'.repeat(100));
    expect(parsed.kind === 'extension' && parsed.type).toBe(`ext:X${'x'.repeat(63)}`);
  });

  it('gives up on a type with no usable characters', () => {
    expect(parseAchievementType('社会奉仕')).toEqual({ kind: 'unusable' });
    expect(parseAchievementType('???')).toEqual({ kind: 'unusable' });
  });
});

import { ACHIEVEMENT_TYPES, RESULT_TYPES, ASSOCIATION_TYPES } from './enums';

describe('CLR 1.0 enumerations', () => {
  it('lists the final achievement types, including Assessment and Assignment', () => {
    expect(ACHIEVEMENT_TYPES).toContain('Assessment');
    expect(ACHIEVEMENT_TYPES).toContain('Co-Curricular');
    expect(ACHIEVEMENT_TYPES).not.toContain('AssessmentResult');
    expect(ACHIEVEMENT_TYPES).toHaveLength(16);
  });

  it('lists the result types and association types of the final model', () => {
    expect(RESULT_TYPES).toContain('PerformanceLevel');
    expect(ASSOCIATION_TYPES).toEqual(expect.arrayContaining(['isChildOf', 'precedes', 'replacedBy']));
  });
});

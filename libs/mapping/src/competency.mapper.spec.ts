import {
  assertionFor,
  competency,
  competencyResult,
  context,
  course,
  emptyRecords,
  fullRecords,
  GEOMETRY_ALIGNMENT,
  GEOMETRY_URI,
  link,
  PLANE_URI,
} from '../test/learner-records.fixture';
import { caseItemReferences } from './case-item-requests';
import { ClrIdFactory } from './clr-id.factory';
import { mapLearnerToClr } from './map-learner-to-clr';

const ids = new ClrIdFactory(context().publicBaseUrl, context().idSecret);
const GEO_ID = ids.achievementId('competency', 'K-GEO');
const PLANE_ID = ids.achievementId('competency', 'K-PLANE');
const COURSE_ID = ids.achievementId('course', 'C-MATH-101');

function resultRecords(...results: ReturnType<typeof competencyResult>[]) {
  return emptyRecords({
    competencyResults: results,
    competencies: [competency()],
    courses: [course({ orgId: null })],
  });
}

describe('competency results', () => {
  it('make an Assertion with a PerformanceLevel result naming the rubric level, and a RawScore', () => {
    const { clr, problems } = mapLearnerToClr(resultRecords(competencyResult()), context());
    const assertion = assertionFor(clr, 'competency-result', 'R-1');

    expect(problems).toEqual([]);
    expect(assertion).toMatchObject({
      issuedOn: '2024-12-10T00:00:00Z',
      activityEndDate: '2024-12-10T00:00:00Z',
      source: clr.publisher,
      results: [
        {
          type: 'Result',
          resultDescription: `${GEO_ID}#performance-level`,
          achievedLevel: `${GEO_ID}#level-3-proficient`,
          value: 'Proficient',
        },
        { type: 'Result', resultDescription: `${GEO_ID}#raw-score`, value: '87' },
      ],
    });
    const levels = assertion?.achievement?.resultDescriptions?.[0].rubricCriterionLevels ?? [];
    expect(levels.map((level) => level.id)).toContain(assertion?.results?.[0].achievedLevel);
  });

  it('describe the competency with its CASE alignment and the configured levels, lowest first', () => {
    const { clr } = mapLearnerToClr(resultRecords(competencyResult()), context());
    const achievement = assertionFor(clr, 'competency-result', 'R-1')?.achievement;

    expect(achievement).toMatchObject({
      id: GEO_ID,
      achievementType: 'Competency',
      name: 'Geometry and measurement',
      humanCode: 'GEO',
      issuer: clr.publisher,
      alignments: [GEOMETRY_ALIGNMENT],
    });
    expect(achievement?.resultDescriptions).toEqual([
      {
        id: `${GEO_ID}#performance-level`,
        type: 'ResultDescription',
        name: 'Performance level',
        resultType: 'PerformanceLevel',
        rubricCriterionLevels: [
          { id: `${GEO_ID}#level-1-beginning`, type: 'RubricCriterionLevel', name: 'Beginning' },
          { id: `${GEO_ID}#level-2-developing`, type: 'RubricCriterionLevel', name: 'Developing' },
          { id: `${GEO_ID}#level-3-proficient`, type: 'RubricCriterionLevel', name: 'Proficient' },
          { id: `${GEO_ID}#level-4-mastered`, type: 'RubricCriterionLevel', name: 'Mastered' },
        ],
      },
      { id: `${GEO_ID}#raw-score`, type: 'ResultDescription', name: 'Score', resultType: 'RawScore' },
    ]);
  });

  it('use the levels of the context, matched case-insensitively', () => {
    const { clr, problems } = mapLearnerToClr(
      resultRecords(competencyResult({ level: 'meets' })),
      context({ performanceLevels: ['Below', 'Approaching', 'Meets', 'Exceeds'] }),
    );
    expect(problems).toEqual([]);
    expect(assertionFor(clr, 'competency-result', 'R-1')?.results?.[0]).toMatchObject({
      achievedLevel: `${GEO_ID}#level-3-meets`,
      value: 'Meets',
    });
  });

  it('align to the URI with the competency name when the item is not in the alignment map', () => {
    const { clr } = mapLearnerToClr(resultRecords(competencyResult()), context({ alignments: new Map() }));
    expect(assertionFor(clr, 'competency-result', 'R-1')?.achievement?.alignments).toEqual([
      {
        type: 'Alignment',
        targetType: 'CFItem',
        targetUrl: GEOMETRY_URI,
        targetName: 'Geometry and measurement',
      },
    ]);
  });

  it('leave an unresolved alignment out under the omit policy', () => {
    const { clr } = mapLearnerToClr(
      resultRecords(competencyResult()),
      context({ alignments: new Map(), unresolvedAlignment: 'omit' }),
    );
    expect(assertionFor(clr, 'competency-result', 'R-1')?.achievement?.alignments).toBeUndefined();
  });

  describe('bad rows', () => {
    it('publish only the score when the level is not on the scale', () => {
      const { clr, problems } = mapLearnerToClr(
        resultRecords(competencyResult({ level: 'Wizard' })),
        context(),
      );
      expect(assertionFor(clr, 'competency-result', 'R-1')?.results).toEqual([
        { type: 'Result', resultDescription: `${GEO_ID}#raw-score`, value: '87' },
      ]);
      expect(problems).toEqual([
        {
          recordSet: 'clr_competency_results',
          key: 'R-1',
          effect: 'degraded',
          reason: 'level is not on the configured scale; only the score is published',
        },
      ]);
    });

    it('skip a result with neither a known level nor a score', () => {
      const { clr, problems } = mapLearnerToClr(
        resultRecords(competencyResult({ level: null, score: null })),
        context(),
      );
      expect(clr.assertions).toEqual([]);
      expect(problems).toEqual([
        {
          recordSet: 'clr_competency_results',
          key: 'R-1',
          effect: 'skipped',
          reason: 'level is empty and there is no score',
        },
      ]);
    });

    it('skip a result of an unknown competency', () => {
      const { clr, problems } = mapLearnerToClr(
        resultRecords(competencyResult({ competencyId: 'K-NOPE' })),
        context(),
      );
      expect(clr.assertions).toEqual([]);
      expect(problems).toEqual([
        {
          recordSet: 'clr_competency_results',
          key: 'R-1',
          effect: 'skipped',
          reason: 'competency_id names no known competency',
        },
      ]);
    });

    it('leave out the source when the course is unknown', () => {
      const { clr, problems } = mapLearnerToClr(
        resultRecords(competencyResult({ courseId: 'C-NOPE' })),
        context(),
      );
      expect(assertionFor(clr, 'competency-result', 'R-1')?.source).toBeUndefined();
      expect(problems).toEqual([
        {
          recordSet: 'clr_competency_results',
          key: 'R-1',
          effect: 'degraded',
          reason: 'course_id names no known course; source left out',
        },
      ]);
    });

    it('drop a CASE URI that is not an absolute URI', () => {
      const records = resultRecords(competencyResult());
      records.competencies = [competency({ caseItemUri: 'CFItems/3d8c' })];
      const { clr, problems } = mapLearnerToClr(records, context());
      expect(assertionFor(clr, 'competency-result', 'R-1')?.achievement?.alignments).toBeUndefined();
      expect(problems).toEqual([
        {
          recordSet: 'clr_competencies',
          key: 'K-GEO',
          effect: 'degraded',
          reason: 'case_item_uri is not an absolute URI; no alignment',
        },
      ]);
    });

    it('issue on updated_at when assessed_on is impossible', () => {
      const { clr, problems } = mapLearnerToClr(
        resultRecords(competencyResult({ assessedOn: '2024-04-31' })),
        context(),
      );
      expect(assertionFor(clr, 'competency-result', 'R-1')?.issuedOn).toBe('2024-12-20T10:00:00Z');
      expect(problems.map((problem) => problem.reason)).toEqual([
        'assessed_on is not a calendar date; ignored',
      ]);
    });
  });
});

describe('course-competency links', () => {
  const linked = () =>
    fullRecords({
      competencies: [
        competency(),
        competency({ competencyId: 'K-PLANE', name: 'Plane figures', code: null, caseItemUri: PLANE_URI }),
      ],
      courseCompetencies: [link(), link({ competencyId: 'K-PLANE' })],
    });

  it('become isParentOf associations of the course and its alignments', () => {
    const { clr } = mapLearnerToClr(linked(), context());
    const course = assertionFor(clr, 'course-grade', 'G-1')?.achievement;

    expect(course?.associations).toEqual([
      { associationType: 'isParentOf', targetId: GEO_ID, title: 'Geometry and measurement' },
      { associationType: 'isParentOf', targetId: PLANE_ID, title: 'Plane figures' },
    ]);
    expect(course?.alignments).toEqual([
      GEOMETRY_ALIGNMENT,
      { type: 'Alignment', targetType: 'CFItem', targetUrl: PLANE_URI, targetName: 'Plane figures' },
    ]);
  });

  it('list the associated achievements once in clr.achievements, exactly as embedded', () => {
    const { clr } = mapLearnerToClr(linked(), context());

    expect(clr.achievements?.map((achievement) => achievement.id)).toEqual([COURSE_ID, GEO_ID, PLANE_ID]);
    const embedded = [
      assertionFor(clr, 'course-grade', 'G-1'),
      assertionFor(clr, 'competency-result', 'R-1'),
    ].map((assertion) => assertion?.achievement);
    expect(clr.achievements?.[0]).toEqual(embedded[0]);
    expect(clr.achievements?.[1]).toEqual(embedded[1]);
  });

  it('leave clr.achievements out when nothing is associated', () => {
    const { clr } = mapLearnerToClr(fullRecords({ courseCompetencies: [] }), context());
    expect(clr.achievements).toBeUndefined();
  });

  it('skip a link to an unknown competency and keep the others', () => {
    const records = fullRecords({ courseCompetencies: [link(), link({ competencyId: 'K-NOPE' })] });
    const { clr, problems } = mapLearnerToClr(records, context());

    expect(assertionFor(clr, 'course-grade', 'G-1')?.achievement?.associations).toHaveLength(1);
    expect(problems).toEqual([
      {
        recordSet: 'clr_course_competencies',
        key: 'C-MATH-101/K-NOPE',
        effect: 'skipped',
        reason: 'competency_id names no usable competency',
      },
    ]);
  });

  it('ignore links of courses the learner has no grade in', () => {
    const records = fullRecords({
      courses: [course(), course({ courseId: 'C-OTHER' })],
      courseCompetencies: [link({ courseId: 'C-OTHER' })],
    });
    const { clr, problems } = mapLearnerToClr(records, context());
    expect(clr.achievements).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('skip a link of an unknown course', () => {
    const records = fullRecords({ courseCompetencies: [link(), link({ courseId: 'C-NOPE' })] });
    const { clr, problems } = mapLearnerToClr(records, context());
    expect(clr.achievements).toHaveLength(2);
    expect(problems).toEqual([
      {
        recordSet: 'clr_course_competencies',
        key: 'C-NOPE/K-GEO',
        effect: 'skipped',
        reason: 'course_id names no known course',
      },
    ]);
  });
});

describe('caseItemReferences', () => {
  it('lists each CASE item once, in URI order, with the competency name for a fallback', () => {
    const records = emptyRecords({
      competencies: [
        competency({ competencyId: 'K-PLANE', name: ' Plane figures ', caseItemUri: PLANE_URI }),
        competency(),
        competency({ competencyId: 'K-COPY', name: 'Copy', caseItemUri: GEOMETRY_URI }),
        competency({ competencyId: 'K-NONE', caseItemUri: null }),
        competency({ competencyId: 'K-NONAME', name: null, caseItemUri: 'https://case.example/CFItems/x' }),
      ],
    });
    expect(caseItemReferences(records)).toEqual([
      { uri: GEOMETRY_URI, name: 'Geometry and measurement' },
      { uri: PLANE_URI, name: 'Plane figures' },
      { uri: 'https://case.example/CFItems/x' },
    ]);
  });
});

'use strict';
// A CLR shaped like a graduating high-school student's (fictional): 24 courses with a letter
// grade and a percent score, 15 competencies aligned to real CASE items (ACT Holistic
// Framework, Math, from config/case/) with rubric results, and the diploma; associations tie
// courses to the diploma (isPartOf), courses of one subject to each other (precedes) and
// competencies to their CASE parent (isChildOf). Deterministic, built from plain data.
const { createHash } = require('node:crypto');
const path = require('node:path');

const API = 'https://clr.example.edu/ims/clr/v1p0';
const CONTEXT = 'https://purl.imsglobal.org/spec/clr/v1p0/context/clr_v1p0.jsonld';
const CASE_PACKAGE = path.join(
  __dirname,
  '..',
  '..',
  'config',
  'case',
  'act-holistic-framework-math.cfpackage.json',
);

const SUBJECTS = [
  ['Mathematics', 'MATH', ['Algebra I', 'Geometry', 'Algebra II', 'Precalculus']],
  ['English', 'ENGL', ['English 9', 'English 10', 'American Literature', 'British Literature']],
  ['Science', 'SCI', ['Biology', 'Chemistry', 'Physics', 'Environmental Science']],
  ['Social Studies', 'SOC', ['World History', 'US History', 'Government', 'Economics']],
  ['World Languages', 'LANG', ['Spanish I', 'Spanish II', 'Spanish III', 'Spanish IV']],
  ['Arts', 'ART', ['Drawing I', 'Painting', 'Ceramics', 'Art History']],
];
const LETTERS = ['F', 'D', 'C', 'B', 'A'];
const LEVELS = ['Beginning', 'Developing', 'Proficient', 'Advanced'];

/** A 16-byte hex id segment, stable for a key (ids are HMACs in the product; a hash will do here). */
function segment(key) {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function institution() {
  return {
    id: `${API}/profiles/institution`,
    type: 'Profile',
    name: 'Example Unified School District',
    url: 'https://www.example.edu/',
    email: 'registrar@example.edu',
  };
}

function issuer() {
  const { id, type, name, url } = institution();
  return { id, type, name, url };
}

function recipient(email, assertionId) {
  const salt = segment(`salt:${assertionId}`);
  const identity = `sha256$${createHash('sha256')
    .update(email + salt)
    .digest('hex')}`;
  return { type: 'email', identity, hashed: true, salt };
}

function competencyItems() {
  const pkg = require(CASE_PACKAGE);
  const framework = pkg.CFDocument.title;
  // The L1 parent and its first children, skipping the "(MISCONCEPTION)" entries.
  const wanted = pkg.CFItems.filter(
    (item) =>
      /^H\.A\.MATH\.GM\.PF\.2DFP\.L1(\.\d+)?$/.test(item.humanCodingScheme) &&
      !item.fullStatement.startsWith('(MISCONCEPTION)'),
  ).slice(0, 15);
  const parentOf = new Map();
  for (const association of pkg.CFAssociations) {
    if (association.associationType === 'isChildOf') {
      parentOf.set(association.originNodeURI.uri, association.destinationNodeURI.uri);
    }
  }
  return wanted.map((item) => ({ item, framework, parentUri: parentOf.get(item.uri) }));
}

/**
 * @param {{ learnerEmail?: string }} [options]
 * @returns the unsigned Clr (no @context; wrap it as { '@context', clr } for postClr)
 */
function buildRealisticClr(options = {}) {
  const email = options.learnerEmail ?? 'jordan.sample@students.example.edu';
  const diploma = {
    id: `${API}/achievements/${segment('diploma')}`,
    type: 'Achievement',
    achievementType: 'Diploma',
    name: 'High School Diploma',
    description: 'Awarded on completion of the graduation requirements.',
    issuer: issuer(),
    requirement: { type: 'Criteria', narrative: 'Earn 24 credits across six subject areas.' },
  };
  const partOfDiploma = { associationType: 'isPartOf', targetId: diploma.id, title: diploma.name };

  const assertions = [];
  let n = 0;
  const assert = (achievement, results, extra = {}) => {
    n += 1;
    const id = `${API}/assertions/${segment(`assertion:${n}`)}`;
    assertions.push({
      id,
      type: 'Assertion',
      achievement,
      issuedOn: '2024-06-07T16:00:00Z',
      recipient: recipient(email, id),
      ...(results.length > 0 ? { results } : {}),
      ...extra,
    });
  };

  // 24 courses: a letter grade and a percent score each; subjects in sequence.
  for (const [field, prefix, names] of SUBJECTS) {
    const ids = names.map((name) => `${API}/achievements/${segment(`course:${name}`)}`);
    names.forEach((name, level) => {
      const id = ids[level];
      const associations = [partOfDiploma];
      if (level + 1 < names.length) {
        associations.push({ associationType: 'precedes', targetId: ids[level + 1], title: names[level + 1] });
      }
      const grade = {
        id: `${id}/results/final-grade`,
        type: 'ResultDescription',
        name: 'Final grade',
        resultType: 'LetterGrade',
        allowedValues: LETTERS,
        requiredValue: 'D',
      };
      const percent = {
        id: `${id}/results/final-percent`,
        type: 'ResultDescription',
        name: 'Final score',
        resultType: 'Percent',
        valueMin: '0',
        valueMax: '100',
        requiredValue: '60',
      };
      const achievement = {
        id,
        type: 'Achievement',
        achievementType: 'Course',
        name,
        humanCode: `${prefix}-${level + 1}01`,
        fieldOfStudy: field,
        creditsAvailable: 1,
        issuer: issuer(),
        associations,
        resultDescriptions: [grade, percent],
      };
      const score = 62 + ((level * 7 + prefix.length * 5) % 38);
      assert(
        achievement,
        [
          {
            type: 'Result',
            resultDescription: grade.id,
            value: LETTERS[Math.min(4, Math.floor((score - 50) / 10))],
          },
          { type: 'Result', resultDescription: percent.id, value: String(score) },
        ],
        {
          term: `${2020 + level}-${2021 + level} School Year`,
          activityStartDate: `${2020 + level}-08-24T08:00:00-05:00`,
          activityEndDate: `${2021 + level}-05-28T15:00:00-05:00`,
          creditsEarned: 1,
        },
      );
    });
  }

  // 15 competencies aligned to CASE items, with rubric results and the CASE tree as isChildOf.
  const items = competencyItems();
  const achievementIdByUri = new Map(
    items.map(({ item }) => [item.uri, `${API}/achievements/${segment(`competency:${item.identifier}`)}`]),
  );
  items.forEach(({ item, framework, parentUri }, i) => {
    const id = achievementIdByUri.get(item.uri);
    const alignment = {
      type: 'Alignment',
      targetType: 'CFItem',
      targetUrl: item.uri,
      targetCode: item.humanCodingScheme,
      targetName: item.fullStatement,
      targetFramework: framework,
    };
    const levels = LEVELS.map((name, level) => ({
      id: `${id}/results/mastery/levels/${name.toLowerCase()}`,
      type: 'RubricCriterionLevel',
      name,
      level: String(level + 1),
      points: String(level + 1),
    }));
    const mastery = {
      id: `${id}/results/mastery`,
      type: 'ResultDescription',
      name: 'Mastery level',
      resultType: 'RubricCriterionLevel',
      rubricCriterionLevels: levels,
      requiredLevel: levels[2].id,
    };
    const parentId = parentUri !== undefined ? achievementIdByUri.get(parentUri) : undefined;
    const achievement = {
      id,
      type: 'Achievement',
      achievementType: 'Competency',
      name: item.fullStatement.slice(0, 120),
      humanCode: item.humanCodingScheme,
      issuer: issuer(),
      alignments: [alignment],
      ...(parentId !== undefined
        ? {
            associations: [
              { associationType: 'isChildOf', targetId: parentId, title: 'Level 1: 2-D figures' },
            ],
          }
        : {}),
      resultDescriptions: [mastery],
    };
    assert(achievement, [
      {
        type: 'Result',
        resultDescription: mastery.id,
        achievedLevel: levels[1 + (i % 3)].id,
        alignments: [alignment],
      },
    ]);
  });

  assert(diploma, []);

  return {
    id: `${API}/clrs/${segment('clr:learner-1')}`,
    type: 'Clr',
    name: 'Comprehensive Learner Record',
    issuedOn: '2024-06-30T09:00:00-05:00',
    partial: false,
    learner: {
      id: `urn:uuid:${segment('learner').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}`,
      type: 'Profile',
      name: 'Jordan Sample',
      email,
    },
    publisher: institution(),
    achievements: [diploma],
    assertions,
  };
}

module.exports = { buildRealisticClr, CONTEXT, API };

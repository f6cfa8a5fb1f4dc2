import { readFileSync } from 'node:fs';

/** An organization (issuing unit) of Demo University. */
export interface DemoOrganization {
  id: string;
  name: string;
  url: string | null;
  email: string | null;
  parent: string | null;
}

// prettier-ignore
export const DEMO_ORGANIZATIONS: readonly DemoOrganization[] = [
  { id: 'ORG-CAS', name: 'College of Arts & Sciences', url: 'https://demo-university.example/cas', email: 'cas@demo-university.example', parent: null },
  { id: 'ORG-MATH', name: 'Department of Mathematics', url: 'https://demo-university.example/math', email: 'math@demo-university.example', parent: 'ORG-CAS' },
  { id: 'ORG-ENGL', name: 'Department of English', url: null, email: 'english@demo-university.example', parent: 'ORG-CAS' },
  { id: 'ORG-SCI', name: 'Department of Natural Sciences', url: 'https://demo-university.example/sciences', email: null, parent: 'ORG-CAS' },
  { id: 'ORG-LANG', name: 'Département de langues modernes', url: null, email: null, parent: 'ORG-CAS' },
  { id: 'ORG-ENG', name: 'School of Engineering', url: 'https://demo-university.example/engineering', email: 'engineering@demo-university.example', parent: null },
  { id: 'ORG-CS', name: 'Department of Computer Science', url: 'https://demo-university.example/cs', email: 'cs@demo-university.example', parent: 'ORG-ENG' },
  { id: 'ORG-LIFE', name: 'Office of Student Life', url: 'https://demo-university.example/student-life', email: 'studentlife@demo-university.example', parent: null },
  { id: 'ORG-CAREER', name: 'Career Center', url: null, email: 'careers@demo-university.example', parent: 'ORG-LIFE' },
  { id: 'ORG-ATH', name: 'Athletics', url: 'https://demo-university.example/athletics', email: null, parent: 'ORG-LIFE' },
];

/** A course of the catalogue. `passFail`: graded P/NP. `geometry`: develops CASE geometry items. */
export interface DemoCourse {
  code: string;
  title: string;
  credits: number;
  org: string;
  level: 'Undergraduate' | 'Graduate';
  field: string;
  description: string | null;
  passFail?: boolean;
  geometry?: boolean;
  /** Local (non-CASE) competencies it develops. */
  skills?: readonly string[];
}

// prettier-ignore
export const DEMO_COURSES: readonly DemoCourse[] = [
  { code: 'MATH-101', title: 'College Algebra', credits: 3, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics', description: 'Functions, equations and inequalities; polynomial, exponential and logarithmic models.', skills: ['QR'] },
  { code: 'MATH-110', title: 'Precalculus', credits: 4, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics', description: null, skills: ['QR'] },
  { code: 'MATH-120', title: 'Geometry for Educators', credits: 3, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics Education', description: 'Plane figures, their attributes and classification, for future teachers.', geometry: true },
  { code: 'MATH-125', title: 'Foundations of Geometry', credits: 3, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics', description: 'Congruence, similarity and the classification of two-dimensional figures.', geometry: true },
  { code: 'MATH-140', title: 'Introductory Statistics', credits: 3, org: 'ORG-MATH', level: 'Undergraduate', field: 'Statistics', description: 'Descriptive statistics, probability, inference.', skills: ['QR', 'CT'] },
  { code: 'MATH-151', title: 'Calculus I', credits: 4, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics', description: 'Limits, derivatives and their applications.', skills: ['QR'] },
  { code: 'MATH-152', title: 'Calculus II', credits: 4, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics', description: 'Integration, sequences and series.', skills: ['QR'] },
  { code: 'MATH-210', title: 'Discrete Mathematics', credits: 3, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics', description: null, skills: ['CT'] },
  { code: 'MATH-220', title: 'Linear Algebra', credits: 3, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics', description: 'Vector spaces, linear maps, eigenvalues.' },
  { code: 'MATH-320', title: 'Transformational Geometry', credits: 3, org: 'ORG-MATH', level: 'Undergraduate', field: 'Mathematics', description: 'Isometries and similarity transformations of the plane.', geometry: true },
  { code: 'MATH-510', title: 'Topics in Geometry (Graduate)', credits: 3, org: 'ORG-MATH', level: 'Graduate', field: 'Mathematics', description: 'Graduate seminar.', geometry: true },
  { code: 'ENGL-101', title: 'Composition I', credits: 3, org: 'ORG-ENGL', level: 'Undergraduate', field: 'English', description: 'Academic writing and argument.', skills: ['WC'] },
  { code: 'ENGL-102', title: 'Composition II', credits: 3, org: 'ORG-ENGL', level: 'Undergraduate', field: 'English', description: 'Research writing.', skills: ['WC', 'CT'] },
  { code: 'ENGL-210', title: 'World Literature', credits: 3, org: 'ORG-ENGL', level: 'Undergraduate', field: 'English', description: 'From Gilgamesh to García Márquez.', skills: ['CT'] },
  { code: 'ENGL-305', title: 'Creative Writing: Poetry', credits: 3, org: 'ORG-ENGL', level: 'Undergraduate', field: 'English', description: null, skills: ['WC'] },
  { code: 'BIOL-110', title: 'Principles of Biology', credits: 4, org: 'ORG-SCI', level: 'Undergraduate', field: 'Biology', description: 'Cells, genetics, evolution. Includes laboratory.' },
  { code: 'CHEM-110', title: 'General Chemistry I', credits: 4, org: 'ORG-SCI', level: 'Undergraduate', field: 'Chemistry', description: null },
  { code: 'PHYS-150', title: 'Physics I: Mechanics', credits: 4, org: 'ORG-SCI', level: 'Undergraduate', field: 'Physics', description: 'Newtonian mechanics with calculus.', skills: ['QR'] },
  { code: 'SPAN-201', title: 'Español intermedio', credits: 3, org: 'ORG-LANG', level: 'Undergraduate', field: 'Spanish', description: 'Conversación, lectura y composición.' },
  { code: 'FREN-201', title: 'Français intermédiaire', credits: 3, org: 'ORG-LANG', level: 'Undergraduate', field: 'French', description: 'Études de textes et expression orale.' },
  { code: 'JAPN-101', title: '日本語入門 (Elementary Japanese)', credits: 4, org: 'ORG-LANG', level: 'Undergraduate', field: 'Japanese', description: null },
  { code: 'CS-101', title: 'Introduction to Programming', credits: 4, org: 'ORG-CS', level: 'Undergraduate', field: 'Computer Science', description: 'Programming in Python.', skills: ['CT'] },
  { code: 'CS-201', title: 'Data Structures', credits: 4, org: 'ORG-CS', level: 'Undergraduate', field: 'Computer Science', description: null, skills: ['CT'] },
  { code: 'CS-301', title: 'Algorithms', credits: 3, org: 'ORG-CS', level: 'Undergraduate', field: 'Computer Science', description: 'Design and analysis of algorithms.', skills: ['CT', 'QR'] },
  { code: 'CS-350', title: 'Database Systems', credits: 3, org: 'ORG-CS', level: 'Undergraduate', field: 'Computer Science', description: null },
  { code: 'ENGR-100', title: 'Engineering Design Studio', credits: 2, org: 'ORG-ENG', level: 'Undergraduate', field: 'Engineering', description: 'Team design projects.', skills: ['CT', 'WC'] },
  { code: 'HIST-110', title: 'U.S. History since 1877', credits: 3, org: 'ORG-CAS', level: 'Undergraduate', field: 'History', description: null, skills: ['WC'] },
  { code: 'PSYC-101', title: 'Introduction to Psychology', credits: 3, org: 'ORG-CAS', level: 'Undergraduate', field: 'Psychology', description: 'Mind, brain and behaviour.' },
  { code: 'ECON-201', title: 'Principles of Microeconomics', credits: 3, org: 'ORG-CAS', level: 'Undergraduate', field: 'Economics', description: null, skills: ['QR'] },
  { code: 'MUSC-110', title: 'University Chorus', credits: 1, org: 'ORG-CAS', level: 'Undergraduate', field: 'Music', description: 'Ensemble performance.', passFail: true },
  { code: 'PHED-100', title: 'Fitness & Wellness', credits: 1, org: 'ORG-ATH', level: 'Undergraduate', field: 'Physical Education', description: null, passFail: true },
  { code: 'UNIV-100', title: 'First-Year Seminar', credits: 1, org: 'ORG-LIFE', level: 'Undergraduate', field: 'General Studies', description: 'Transition to university life.', passFail: true },
];

/** Local competencies, not aligned to a CASE framework. */
export const DEMO_LOCAL_COMPETENCIES = [
  {
    key: 'WC',
    code: 'DU-WC',
    name: 'Written Communication',
    description: 'Writes clearly for different audiences and purposes.',
  },
  {
    key: 'QR',
    code: 'DU-QR',
    name: 'Quantitative Reasoning',
    description: 'Reasons with numbers, models and data.',
  },
  { key: 'CT', code: 'DU-CT', name: 'Critical Thinking', description: null },
] as const;

/** A competency aligned to an item of the bundled CASE framework. */
export interface DemoCaseCompetency {
  code: string;
  name: string;
  description: string | null;
  itemUri: string;
  frameworkUri: string;
}

interface CasePackage {
  CFDocument: { uri: string };
  CFItems: {
    uri: string;
    humanCodingScheme?: string;
    abbreviatedStatement?: string;
    fullStatement?: string;
  }[];
}

/**
 * The competencies the demo aligns to: every item of the CASE package except the
 * "(MISCONCEPTION)" notes, which describe errors, not competencies. Read from the project's copy
 * at generation time, so the demo's URIs are the package's.
 */
export function readCaseCompetencies(packageFile: string): DemoCaseCompetency[] {
  const parsed = JSON.parse(readFileSync(packageFile, 'utf8')) as CasePackage;
  if (typeof parsed.CFDocument?.uri !== 'string' || !Array.isArray(parsed.CFItems)) {
    throw new Error(`${packageFile} is not a CASE CFPackage (no CFDocument.uri or CFItems)`);
  }
  return parsed.CFItems.filter((item) => !(item.fullStatement ?? '').startsWith('(MISCONCEPTION)'))
    .map((item) => {
      const full = (item.fullStatement ?? '').trim();
      const short = (item.abbreviatedStatement ?? '').trim();
      return {
        code: item.humanCodingScheme ?? item.uri,
        name: short !== '' && short !== 'undefined' ? short : full,
        description: full === '' ? null : full,
        itemUri: item.uri,
        frameworkUri: parsed.CFDocument.uri,
      };
    })
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

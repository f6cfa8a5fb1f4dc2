import { type RecordSetName } from '../records/sis-records';

/**
 * How a column is normalized. `id`: a key or reference (numbers become strings); `text`:
 * trimmed, blank -> null; `decimal`: a finite number; `date`: `YYYY-MM-DD`; `timestamp`: ISO
 * 8601 UTC; `boolean`: bit/boolean/0-1/'Y'-'N'.
 */
export type ColumnKind = 'id' | 'text' | 'decimal' | 'date' | 'timestamp' | 'boolean';

/** One column of a record set as the SIS contract defines it. */
export interface ContractColumn {
  /** The contract's column name (`course_id`). */
  readonly column: string;
  /** The record property it fills (`courseId`). */
  readonly field: string;
  readonly kind: ColumnKind;
  /** `?` in the contract. A configuration may map a nullable column to `null` (absent). */
  readonly nullable: boolean;
  /** Longest accepted text; longer ids skip the row, longer texts are cut (degraded). */
  readonly maxLength?: number;
}

/** A record set of the SIS contract: view, key and columns. */
export interface RecordSetContract {
  readonly name: RecordSetName;
  /** Primary key, in keyset order (two columns for clr_course_competencies). */
  readonly key: readonly string[];
  /** The column naming the learner a row belongs to, for learner-owned sets. */
  readonly learnerColumn?: 'learner_id';
  /** May be switched off in the configuration (the SIS does not have it). */
  readonly optional: boolean;
  readonly columns: readonly ContractColumn[];
}

/** The longest id (of a learner, course, ...) the SIS contract allows. */
export const SIS_ID_MAX_LENGTH = 255;
const ID = SIS_ID_MAX_LENGTH;

function col(column: string, kind: ColumnKind, nullable: boolean, maxLength?: number): ContractColumn {
  const field = column.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return { column, field, kind, nullable, maxLength: maxLength ?? (kind === 'id' ? ID : undefined) };
}

const updatedAt = col('updated_at', 'timestamp', false);
const isDeleted = col('is_deleted', 'boolean', true);

/** The SIS contract (libs/sis/README.md): every record set, its key and columns. */
export const RECORD_SET_CONTRACTS: Readonly<Record<RecordSetName, RecordSetContract>> = {
  clr_learners: {
    name: 'clr_learners',
    key: ['learner_id'],
    learnerColumn: 'learner_id',
    optional: false,
    columns: [
      col('learner_id', 'id', false),
      col('sourced_id', 'text', true, ID),
      col('given_name', 'text', false, 200),
      col('family_name', 'text', false, 200),
      col('additional_name', 'text', true, 200),
      col('email', 'text', true, 320),
      col('birth_date', 'date', true),
      updatedAt,
    ],
  },
  clr_organizations: {
    name: 'clr_organizations',
    key: ['org_id'],
    optional: true,
    columns: [
      col('org_id', 'id', false),
      col('name', 'text', false, 500),
      col('url', 'text', true, 2048),
      col('email', 'text', true, 320),
      col('parent_org_id', 'id', true),
      updatedAt,
    ],
  },
  clr_courses: {
    name: 'clr_courses',
    key: ['course_id'],
    optional: false,
    columns: [
      col('course_id', 'id', false),
      col('code', 'text', false, 100),
      col('title', 'text', false, 500),
      col('description', 'text', true, 10_000),
      col('credits', 'decimal', true),
      col('org_id', 'id', true),
      col('level', 'text', true, 100),
      col('field_of_study', 'text', true, 200),
      updatedAt,
    ],
  },
  clr_course_grades: {
    name: 'clr_course_grades',
    key: ['grade_id'],
    learnerColumn: 'learner_id',
    optional: false,
    columns: [
      col('grade_id', 'id', false),
      col('learner_id', 'id', false),
      col('course_id', 'id', false),
      col('term', 'text', false, 50),
      col('term_start', 'date', true),
      col('term_end', 'date', true),
      col('grade', 'text', true, 20),
      col('percent', 'decimal', true),
      col('credits_earned', 'decimal', true),
      col('status', 'text', false, 50),
      col('awarded_on', 'date', true),
      updatedAt,
      isDeleted,
    ],
  },
  clr_competencies: {
    name: 'clr_competencies',
    key: ['competency_id'],
    optional: true,
    columns: [
      col('competency_id', 'id', false),
      col('name', 'text', false, 500),
      col('description', 'text', true, 10_000),
      col('code', 'text', true, 100),
      col('case_item_uri', 'text', true, 2048),
      col('case_framework_uri', 'text', true, 2048),
      updatedAt,
    ],
  },
  clr_competency_results: {
    name: 'clr_competency_results',
    key: ['result_id'],
    learnerColumn: 'learner_id',
    optional: true,
    columns: [
      col('result_id', 'id', false),
      col('learner_id', 'id', false),
      col('competency_id', 'id', false),
      col('level', 'text', false, 100),
      col('score', 'decimal', true),
      col('course_id', 'id', true),
      col('assessed_on', 'date', false),
      updatedAt,
      isDeleted,
    ],
  },
  clr_course_competencies: {
    name: 'clr_course_competencies',
    key: ['course_id', 'competency_id'],
    optional: true,
    columns: [col('course_id', 'id', false), col('competency_id', 'id', false), updatedAt],
  },
  clr_cocurriculars: {
    name: 'clr_cocurriculars',
    key: ['activity_id'],
    learnerColumn: 'learner_id',
    optional: true,
    columns: [
      col('activity_id', 'id', false),
      col('learner_id', 'id', false),
      col('name', 'text', false, 500),
      col('activity_type', 'text', false, 100),
      col('description', 'text', true, 10_000),
      col('role', 'text', true, 200),
      col('hours', 'decimal', true),
      col('org_id', 'id', true),
      col('start_date', 'date', true),
      col('end_date', 'date', true),
      col('awarded_on', 'date', true),
      updatedAt,
      isDeleted,
    ],
  },
  clr_degrees: {
    name: 'clr_degrees',
    key: ['degree_id'],
    learnerColumn: 'learner_id',
    optional: true,
    columns: [
      col('degree_id', 'id', false),
      col('learner_id', 'id', false),
      col('name', 'text', false, 500),
      col('degree_type', 'text', false, 100),
      col('field_of_study', 'text', true, 200),
      col('specialization', 'text', true, 200),
      col('conferred_on', 'date', false),
      updatedAt,
      isDeleted,
    ],
  },
};

/** The learner-owned record sets, each with a `learner_id` column. */
export const LEARNER_RECORD_SETS = [
  'clr_course_grades',
  'clr_competency_results',
  'clr_cocurriculars',
  'clr_degrees',
] as const satisfies readonly RecordSetName[];
export type LearnerRecordSetName = (typeof LEARNER_RECORD_SETS)[number];

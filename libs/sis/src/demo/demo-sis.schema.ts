/**
 * Learner-owned tables are WITHOUT ROWID: their keys are inserted in increasing order, so the
 * key's B-tree is the table and inserts append.
 *
 * The demo SIS's tables: exactly the SIS contract's views, as SQLite tables, with the indexes a
 * DBA would give the base tables (learner, reference and updated_at columns).
 */
export const DEMO_SIS_DDL = `
CREATE TABLE clr_organizations (
  org_id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT, email TEXT, parent_org_id TEXT,
  updated_at TEXT NOT NULL);
CREATE TABLE clr_courses (
  course_id TEXT PRIMARY KEY, code TEXT NOT NULL, title TEXT NOT NULL, description TEXT, credits REAL,
  org_id TEXT, level TEXT, field_of_study TEXT, updated_at TEXT NOT NULL);
CREATE TABLE clr_competencies (
  competency_id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, code TEXT, case_item_uri TEXT,
  case_framework_uri TEXT, updated_at TEXT NOT NULL);
CREATE TABLE clr_course_competencies (
  course_id TEXT NOT NULL, competency_id TEXT NOT NULL, updated_at TEXT NOT NULL,
  PRIMARY KEY (course_id, competency_id));
CREATE TABLE clr_learners (
  learner_id TEXT PRIMARY KEY, sourced_id TEXT, given_name TEXT NOT NULL, family_name TEXT NOT NULL,
  additional_name TEXT, email TEXT, birth_date TEXT, updated_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE clr_course_grades (
  grade_id TEXT PRIMARY KEY, learner_id TEXT NOT NULL, course_id TEXT NOT NULL, term TEXT NOT NULL,
  term_start TEXT, term_end TEXT, grade TEXT, percent REAL, credits_earned REAL, status TEXT NOT NULL,
  awarded_on TEXT, updated_at TEXT NOT NULL, is_deleted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE clr_competency_results (
  result_id TEXT PRIMARY KEY, learner_id TEXT NOT NULL, competency_id TEXT NOT NULL, level TEXT NOT NULL,
  score REAL, course_id TEXT, assessed_on TEXT NOT NULL, updated_at TEXT NOT NULL,
  is_deleted INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE TABLE clr_cocurriculars (
  activity_id TEXT PRIMARY KEY, learner_id TEXT NOT NULL, name TEXT, activity_type TEXT NOT NULL,
  description TEXT, role TEXT, hours REAL, org_id TEXT, start_date TEXT, end_date TEXT, awarded_on TEXT,
  updated_at TEXT NOT NULL, is_deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE clr_degrees (
  degree_id TEXT PRIMARY KEY, learner_id TEXT NOT NULL, name TEXT NOT NULL, degree_type TEXT NOT NULL,
  field_of_study TEXT, specialization TEXT, conferred_on TEXT, updated_at TEXT NOT NULL,
  is_deleted INTEGER NOT NULL DEFAULT 0);
`;

export const DEMO_SIS_INDEXES = `
CREATE INDEX ix_grades_learner ON clr_course_grades (learner_id);
CREATE INDEX ix_grades_course ON clr_course_grades (course_id);
CREATE INDEX ix_grades_updated ON clr_course_grades (updated_at);
CREATE INDEX ix_results_learner ON clr_competency_results (learner_id);
CREATE INDEX ix_results_competency ON clr_competency_results (competency_id);
CREATE INDEX ix_results_updated ON clr_competency_results (updated_at);
CREATE INDEX ix_activities_learner ON clr_cocurriculars (learner_id);
CREATE INDEX ix_activities_updated ON clr_cocurriculars (updated_at);
CREATE INDEX ix_degrees_learner ON clr_degrees (learner_id);
CREATE INDEX ix_degrees_updated ON clr_degrees (updated_at);
CREATE INDEX ix_learners_updated ON clr_learners (updated_at);
CREATE INDEX ix_links_competency ON clr_course_competencies (competency_id);
`;

import {
  type CocurricularRecord,
  type CompetencyRecord,
  type CompetencyResultRecord,
  type CourseCompetencyRecord,
  type CourseGradeRecord,
  type CourseRecord,
  type DegreeRecord,
  type LearnerRecord,
  type OrganizationRecord,
} from '../records/sis-records';

/** The record type each record set yields. */
export interface RecordSetRecords {
  clr_learners: LearnerRecord;
  clr_organizations: OrganizationRecord;
  clr_courses: CourseRecord;
  clr_course_grades: CourseGradeRecord;
  clr_competencies: CompetencyRecord;
  clr_competency_results: CompetencyResultRecord;
  clr_course_competencies: CourseCompetencyRecord;
  clr_cocurriculars: CocurricularRecord;
  clr_degrees: DegreeRecord;
}

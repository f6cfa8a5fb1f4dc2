/** Enumerations of the CLR 1.0 final data model (OpenAPI `components.schemas`). */

/** An extension value of an extensible enumeration, e.g. `ext:NcesSchoolId`. */
export type ExtensionValue = `ext:${string}`;

export const ACHIEVEMENT_TYPES = [
  'Achievement',
  'Assessment',
  'Assignment',
  'Award',
  'Badge',
  'Certificate',
  'Certification',
  'Course',
  'CommunityService',
  'Competency',
  'Co-Curricular',
  'Degree',
  'Diploma',
  'Fieldwork',
  'License',
  'Membership',
] as const;
export type AchievementType = (typeof ACHIEVEMENT_TYPES)[number] | ExtensionValue;

export const ALIGNMENT_TARGET_TYPES = [
  'CFItem',
  'CFRubric',
  'CFRubricCriterion',
  'CFRubricCriterionLevel',
  'CTDL',
] as const;
export type AlignmentTargetType = (typeof ALIGNMENT_TARGET_TYPES)[number] | ExtensionValue;

export const RESULT_TYPES = [
  'GradePointAverage',
  'LetterGrade',
  'Percent',
  'PerformanceLevel',
  'PredictedScore',
  'Result',
  'RawScore',
  'RubricCriterion',
  'RubricCriterionLevel',
  'RubricScore',
  'ScaledScore',
  'Status',
] as const;
export type ResultType = (typeof RESULT_TYPES)[number] | ExtensionValue;

export const RESULT_STATUSES = [
  'Completed',
  'Enrolled',
  'Failed',
  'InProgress',
  'OnHold',
  'Withdrew',
] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const ASSOCIATION_TYPES = [
  'exactMatchOf',
  'exemplar',
  'hasSkillLevel',
  'isChildOf',
  'isParentOf',
  'isPartOf',
  'isPeerOf',
  'isRelatedTo',
  'precedes',
  'replacedBy',
] as const;
export type AssociationType = (typeof ASSOCIATION_TYPES)[number];

export const VERIFICATION_TYPES = ['Hosted', 'Signed', 'Verification'] as const;
export type VerificationType = (typeof VERIFICATION_TYPES)[number];

export const IDENTIFIER_TYPES = ['LisSourcedId', 'OneRosterSourcedId'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number] | ExtensionValue;

export const IMSX_CODE_MAJORS = ['success', 'failure', 'processing', 'unsupported'] as const;
export type ImsxCodeMajor = (typeof IMSX_CODE_MAJORS)[number];

export const IMSX_SEVERITIES = ['status', 'warning', 'error'] as const;
export type ImsxSeverity = (typeof IMSX_SEVERITIES)[number];

export const IMSX_CODE_MINOR_VALUES = [
  'forbidden',
  'fullsuccess',
  'internal_server_error',
  'invalid_data',
  'invalid_query_parameter',
  'misdirected_request',
  'not_acceptable',
  'not_allowed',
  'not_modified',
  'server_busy',
  'unauthorizedrequest',
  'unknown',
] as const;
export type ImsxCodeMinorValue = (typeof IMSX_CODE_MINOR_VALUES)[number];

/** Learner Profile properties a recipient Identity may name in its `type`. */
export const RECIPIENT_IDENTITY_TYPES = [
  'id',
  'email',
  'url',
  'telephone',
  'sourcedId',
  'studentId',
] as const;
export type RecipientIdentityType = (typeof RECIPIENT_IDENTITY_TYPES)[number];

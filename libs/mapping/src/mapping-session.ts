import { type Achievement, type Alignment, type Profile } from '@app/clr';
import {
  type CompetencyRecord,
  type CourseCompetencyRecord,
  type CourseRecord,
  type LearnerRecords,
  type OrganizationRecord,
  type RecordSetName,
} from '@app/sis';
import { ClrIdFactory } from './clr-id.factory';
import { MappingError } from './mapping.error';
import {
  DEFAULT_GRADE_SCALE,
  DEFAULT_PERFORMANCE_LEVELS,
  type GradeScaleEntry,
  type MappingContext,
  orderGradeScale,
  type RecipientIdentityPolicy,
} from './mapping-context';
import { ProblemLog } from './problem-log';
import { checkDate, checkTimestamp, compareDateTimes, dateToDateTime } from './record-dates';
import {
  boundText,
  compareText,
  isEmailAddress,
  isHttpUrl,
  TEXT_LIMITS,
  type TextField,
} from './text-bounds';
import { uniqueByKey } from './unique-rows';

/** Parent chains longer than this are cut (a real hierarchy is a handful of levels deep). */
export const MAX_ORGANIZATION_DEPTH = 16;

/** A performance level of the configured scale. */
export interface PerformanceLevel {
  name: string;
  /** Fragment (without `#`) naming the level below its competency achievement. */
  fragment: string;
}

/** A grade of the scale as the CLR writes it. */
export interface ScaleGrade {
  grade: string;
  entry: GradeScaleEntry;
}

function levelFragment(name: string, index: number): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `level-${index + 1}${slug === '' ? '' : `-${slug}`}`;
}

/**
 * The state of one learner's mapping: settings resolved from the context, the catalogues indexed
 * by key, the problem log, and achievements and issuer profiles built once on first use (so a
 * catalogue row is checked, and reported, only when this learner's records use it).
 */
export class MappingSession {
  readonly ids: ClrIdFactory;
  readonly log = new ProblemLog();
  readonly issuedOn: string;
  readonly recipientPolicy: RecipientIdentityPolicy;
  readonly hashRecipient: boolean;
  readonly alignments: ReadonlyMap<string, Alignment>;
  readonly keepUnresolvedAlignments: boolean;
  readonly allowedGrades: string[];
  readonly performanceLevels: PerformanceLevel[];
  readonly institutionProfile: Profile;

  readonly courses: Map<string, CourseRecord>;
  readonly competencies: Map<string, CompetencyRecord>;
  readonly organizations: Map<string, OrganizationRecord>;
  /** course id -> links of that course, by competency id. */
  readonly courseLinks = new Map<string, Map<string, CourseCompetencyRecord>>();

  /** Achievements built so far, by achievement id; undefined marks a row that cannot be one. */
  readonly courseAchievements = new Map<string, Achievement | undefined>();
  readonly competencyAchievements = new Map<string, Achievement | undefined>();
  private readonly organizationProfiles = new Map<string, Profile | undefined>();
  private readonly grades = new Map<string, ScaleGrade>();

  constructor(
    records: LearnerRecords,
    readonly context: MappingContext,
  ) {
    if (!isHttpUrl(context.publicBaseUrl)) {
      throw new MappingError('context.publicBaseUrl', 'must be an absolute http(s) URL');
    }
    if (context.idSecret === '') throw new MappingError('context.idSecret', 'must not be empty');
    this.ids = new ClrIdFactory(context.publicBaseUrl, context.idSecret);
    const issuedOn = checkTimestamp(context.issuedOn);
    if (!issuedOn.ok) throw new MappingError('context.issuedOn', issuedOn.reason);
    this.issuedOn = issuedOn.value;
    this.recipientPolicy = context.recipientIdentity ?? 'email-then-studentId';
    this.hashRecipient = context.hashRecipientIdentity ?? true;
    this.alignments = context.alignments;
    this.keepUnresolvedAlignments = (context.unresolvedAlignment ?? 'keep-url') === 'keep-url';

    const scale = context.gradeScale ?? DEFAULT_GRADE_SCALE;
    this.allowedGrades = orderGradeScale(scale);
    for (const grade of this.allowedGrades) {
      const key = grade.trim().toUpperCase();
      if (!this.grades.has(key)) this.grades.set(key, { grade, entry: scale[grade] });
    }
    const levels = context.performanceLevels ?? DEFAULT_PERFORMANCE_LEVELS;
    if (levels.length === 0)
      throw new MappingError('context.performanceLevels', 'must list at least one level');
    this.performanceLevels = levels.map((name, index) => ({ name, fragment: levelFragment(name, index) }));

    this.institutionProfile = this.buildInstitutionProfile();
    this.courses = uniqueByKey(records.courses, (row) => row.courseId, 'clr_courses', this.log);
    this.competencies = uniqueByKey(
      records.competencies,
      (row) => row.competencyId,
      'clr_competencies',
      this.log,
    );
    this.organizations = uniqueByKey(
      records.organizations,
      (row) => row.orgId,
      'clr_organizations',
      this.log,
    );
    const links = uniqueByKey(
      records.courseCompetencies,
      (row) => `${row.courseId}/${row.competencyId}`,
      'clr_course_competencies',
      this.log,
    );
    for (const [key, link] of links) {
      if (!this.courses.has(link.courseId)) {
        this.log.skipped('clr_course_competencies', key, 'course_id names no known course');
        continue;
      }
      let byCompetency = this.courseLinks.get(link.courseId);
      if (byCompetency === undefined)
        this.courseLinks.set(link.courseId, (byCompetency = new Map<string, CourseCompetencyRecord>()));
      byCompetency.set(link.competencyId, link);
    }
  }

  /** The grade of the scale a SIS grade stands for (matched case-insensitively). */
  gradeOf(value: string): ScaleGrade | undefined {
    return this.grades.get(value.trim().toUpperCase());
  }

  /** The performance level a SIS level stands for (matched case-insensitively, by name). */
  levelOf(value: string): PerformanceLevel | undefined {
    const wanted = value.trim().toLowerCase();
    return this.performanceLevels.find((level) => level.name.trim().toLowerCase() === wanted);
  }

  /** Bounded text; reports truncation as a degraded row. */
  text(
    value: string | null,
    field: TextField,
    recordSet: RecordSetName,
    key: string,
    column: string,
  ): string | undefined {
    const bounded = boundText(value, field);
    if (bounded?.truncated === true) {
      this.log.degraded(
        recordSet,
        key,
        `${column} is longer than ${TEXT_LIMITS[field]} characters; truncated`,
      );
    }
    return bounded?.text;
  }

  /** A valid SIS date or undefined; an invalid one is reported as degraded. */
  date(value: string | null, recordSet: RecordSetName, key: string, column: string): string | undefined {
    if (value === null || value.trim() === '') return undefined;
    const check = checkDate(value.trim());
    if (check.ok) return check.value;
    this.log.degraded(recordSet, key, `${column} ${check.reason}; ignored`);
    return undefined;
  }

  /** A valid SIS timestamp (normalised to UTC) or undefined; an invalid one is reported. */
  timestamp(value: string | null, recordSet: RecordSetName, key: string, column: string): string | undefined {
    if (value === null || value.trim() === '') return undefined;
    const check = checkTimestamp(value.trim());
    if (check.ok) return check.value;
    this.log.degraded(recordSet, key, `${column} ${check.reason}; ignored`);
    return undefined;
  }

  /**
   * An assertion's `issuedOn`: the first candidate that is not after the CLR's own `issuedOn`
   * (a future award date is not yet issued), else the CLR's `issuedOn`.
   */
  issuedOnFrom(candidates: readonly (string | undefined)[]): string {
    for (const candidate of candidates) {
      if (candidate !== undefined && compareDateTimes(candidate, this.issuedOn) <= 0) return candidate;
    }
    return this.issuedOn;
  }

  /** Start and end of an activity; an end before the start is dropped and reported. */
  activityDates(
    start: string | undefined,
    end: string | undefined,
    recordSet: RecordSetName,
    key: string,
    endColumn: string,
  ): { activityStartDate?: string; activityEndDate?: string } {
    const dates: { activityStartDate?: string; activityEndDate?: string } = {};
    if (start !== undefined) dates.activityStartDate = dateToDateTime(start);
    if (end !== undefined) {
      if (start !== undefined && compareText(end, start) < 0) {
        this.log.degraded(recordSet, key, `${endColumn} is before the start date; end date ignored`);
      } else {
        dates.activityEndDate = dateToDateTime(end);
      }
    }
    return dates;
  }

  /** A non-negative finite number or undefined; anything else is reported as degraded. */
  nonNegative(
    value: number | null,
    recordSet: RecordSetName,
    key: string,
    column: string,
  ): number | undefined {
    if (value === null) return undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    this.log.degraded(recordSet, key, `${column} is not a non-negative number; ignored`);
    return undefined;
  }

  /**
   * The issuer of a row: the org unit's Profile when `orgId` names a usable organization, else
   * the institution. An unusable `orgId` is reported, except when the records carry no
   * organizations at all: `clr_organizations` is an optional view, and a deployment without it
   * publishes everything under the institution.
   */
  issuerFor(orgId: string | null, recordSet: RecordSetName, key: string): Profile {
    if (orgId === null || orgId.trim() === '') return this.institutionProfile;
    const profile = this.organizationProfile(orgId);
    if (profile !== undefined) return profile;
    if (this.organizations.size > 0) {
      this.log.degraded(recordSet, key, 'org_id names no usable organization; issued by the institution');
    }
    return this.institutionProfile;
  }

  private organizationProfile(orgId: string, chain: readonly string[] = []): Profile | undefined {
    if (this.organizationProfiles.has(orgId)) return this.organizationProfiles.get(orgId);
    const org = this.organizations.get(orgId);
    if (org === undefined) return undefined;
    const name = this.text(org.name, 'name', 'clr_organizations', orgId, 'name');
    if (name === undefined) {
      this.log.skipped('clr_organizations', orgId, 'name is empty; its rows are issued by the institution');
      this.organizationProfiles.set(orgId, undefined);
      return undefined;
    }
    const profile: Profile = { id: this.ids.organizationProfileId(orgId), type: 'Profile', name };
    if (org.url !== null && org.url.trim() !== '') {
      if (isHttpUrl(org.url.trim())) profile.url = org.url.trim();
      else this.log.degraded('clr_organizations', orgId, 'url is not an absolute http(s) URL; ignored');
    }
    if (org.email !== null && org.email.trim() !== '') {
      if (isEmailAddress(org.email.trim())) profile.email = org.email.trim();
      else this.log.degraded('clr_organizations', orgId, 'email is not an email address; ignored');
    }
    profile.parentOrg = this.parentProfile(org, [...chain, orgId]);
    this.organizationProfiles.set(orgId, profile);
    return profile;
  }

  private parentProfile(org: OrganizationRecord, chain: readonly string[]): Profile {
    const parentId = org.parentOrgId?.trim();
    if (parentId === undefined || parentId === '') return this.institutionProfile;
    if (chain.includes(parentId)) {
      this.log.degraded(
        'clr_organizations',
        org.orgId,
        'parent_org_id forms a cycle; parent set to the institution',
      );
      return this.institutionProfile;
    }
    if (chain.length >= MAX_ORGANIZATION_DEPTH) {
      this.log.degraded(
        'clr_organizations',
        org.orgId,
        `parent chain deeper than ${MAX_ORGANIZATION_DEPTH}; parent set to the institution`,
      );
      return this.institutionProfile;
    }
    const parent = this.organizationProfile(parentId, chain);
    if (parent !== undefined) return parent;
    this.log.degraded(
      'clr_organizations',
      org.orgId,
      'parent_org_id names no usable organization; parent set to the institution',
    );
    return this.institutionProfile;
  }

  private buildInstitutionProfile(): Profile {
    const { institution } = this.context;
    if (institution.name.trim() === '')
      throw new MappingError('context.institution.name', 'must not be empty');
    const profile: Profile = {
      id: this.ids.institutionProfileId(),
      type: 'Profile',
      name: institution.name.trim(),
    };
    if (institution.id.trim() !== '') profile.sourcedId = institution.id.trim();
    if (institution.url !== undefined) {
      if (!isHttpUrl(institution.url))
        throw new MappingError('context.institution.url', 'must be an absolute http(s) URL');
      profile.url = institution.url;
    }
    if (institution.email !== undefined) {
      if (!isEmailAddress(institution.email))
        throw new MappingError('context.institution.email', 'must be an email address');
      profile.email = institution.email;
    }
    return profile;
  }
}

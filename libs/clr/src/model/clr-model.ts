/**
 * The CLR 1.0 final data model: one interface per DType of the OpenAPI `components.schemas`
 * (Jan 2021). Property names are exactly the standard's. Nested DTypes may carry namespaced
 * extension properties (`ext:foo`), expressed by {@link Extensible}.
 */
import type {
  AchievementType,
  AlignmentTargetType,
  AssociationType,
  IdentifierType,
  ImsxCodeMajor,
  ImsxCodeMinorValue,
  ImsxSeverity,
  ResultStatus,
  ResultType,
  VerificationType,
} from './enums';

/** A JWS Compact Serialization string. */
export type CompactJws = string;
/** An ISO 8601 date-time with a zone designator. */
export type DateTime = string;
/** An ISO 8601 date (YYYY-MM-DD). */
export type DateOnly = string;
/** A JSON-LD `@context`: one URI or a list of URIs. */
export type JsonLdContext = string | string[];

/** Namespaced extension properties allowed on nested DTypes (`prefix:name`). */
export interface Extensible {
  [extension: `${string}:${string}`]: unknown;
}

export interface Address extends Extensible {
  id?: string;
  type?: string;
  addressCountry?: string;
  addressLocality?: string;
  addressRegion?: string;
  postalCode?: string;
  postOfficeBoxNumber?: string;
  streetAddress?: string;
}

export interface Alignment extends Extensible {
  id?: string;
  type?: string;
  targetCode?: string;
  targetDescription?: string;
  targetName: string;
  targetFramework?: string;
  targetType?: AlignmentTargetType;
  targetUrl: string;
}

export interface Artifact extends Extensible {
  type?: string;
  description?: string;
  name?: string;
  url?: string;
}

export interface Association extends Extensible {
  associationType: AssociationType;
  /** The `id` of another Achievement. */
  targetId: string;
  title: string;
}

export interface Criteria extends Extensible {
  id?: string;
  type?: string;
  narrative?: string;
}

export interface CryptographicKey extends Extensible {
  id: string;
  type?: string;
  /** The id of the Profile that owns the key. */
  owner: string;
  publicKeyPem: string;
}

export interface SystemIdentifier extends Extensible {
  type?: string;
  identifier: string;
  identifierType: IdentifierType;
}

export interface Verification extends Extensible {
  id?: string;
  type: VerificationType;
  allowedOrigins?: string[];
  /** URL of the CryptographicKey that signed the object. */
  creator?: string;
  startsWith?: string[];
  verificationProperty?: string;
}

export interface EndorsementProfile extends Extensible {
  id: string;
  type?: string;
  additionalName?: string;
  address?: Address;
  description?: string;
  email?: string;
  familyName?: string;
  givenName?: string;
  identifiers?: SystemIdentifier[];
  image?: string;
  name?: string;
  official?: string;
  publicKey?: CryptographicKey;
  revocationList?: string;
  sourcedId?: string;
  studentId?: string;
  telephone?: string;
  url?: string;
  verification?: Verification;
}

export interface EndorsementClaim extends Extensible {
  /** The id of the Profile, Achievement, Assertion or CLR being endorsed. */
  id: string;
  type?: string;
  endorsementComment?: string;
}

export interface Endorsement extends Extensible {
  id: string;
  type?: string;
  claim: EndorsementClaim;
  issuedOn: DateTime;
  issuer: EndorsementProfile;
  revocationReason?: string;
  revoked?: boolean;
  verification: Verification;
}

export interface Profile extends Extensible {
  id: string;
  type?: string;
  address?: Address;
  additionalName?: string;
  birthDate?: DateOnly;
  description?: string;
  email?: string;
  endorsements?: Endorsement[];
  familyName?: string;
  givenName?: string;
  identifiers?: SystemIdentifier[];
  image?: string;
  name?: string;
  official?: string;
  parentOrg?: Profile;
  publicKey?: CryptographicKey;
  /** URL of the RevocationList; required for issuer profiles. */
  revocationList?: string;
  signedEndorsements?: CompactJws[];
  sourcedId?: string;
  studentId?: string;
  telephone?: string;
  url?: string;
  verification?: Verification;
}

export interface RubricCriterionLevel extends Extensible {
  id: string;
  type?: string;
  alignments?: Alignment[];
  description?: string;
  level?: string;
  name: string;
  points?: string;
}

export interface ResultDescription extends Extensible {
  id: string;
  type?: string;
  alignments?: Alignment[];
  /** Ordered from low to high. */
  allowedValues?: string[];
  name: string;
  requiredLevel?: string;
  requiredValue?: string;
  resultType: ResultType;
  /** Ordered from low to high. */
  rubricCriterionLevels?: RubricCriterionLevel[];
  valueMax?: string;
  valueMin?: string;
}

export interface Result extends Extensible {
  id?: string;
  type?: string;
  /** The id of the RubricCriterionLevel achieved. */
  achievedLevel?: string;
  alignments?: Alignment[];
  /** The id of the ResultDescription describing this result. */
  resultDescription: string;
  status?: ResultStatus;
  value?: string;
}

export interface Achievement extends Extensible {
  id: string;
  type?: string;
  achievementType?: AchievementType;
  alignments?: Alignment[];
  associations?: Association[];
  creditsAvailable?: number;
  description?: string;
  endorsements?: Endorsement[];
  humanCode?: string;
  identifiers?: SystemIdentifier[];
  name: string;
  fieldOfStudy?: string;
  image?: string;
  issuer: Profile;
  level?: string;
  requirement?: Criteria;
  resultDescriptions?: ResultDescription[];
  signedEndorsements?: CompactJws[];
  specialization?: string;
  tags?: string[];
}

/** The recipient of an Assertion (`IdentityDType`). */
export interface Identity extends Extensible {
  id?: string;
  /** The learner Profile property that `identity` holds (or hashes): `email`, `studentId`... */
  type: string;
  identity: string;
  hashed: boolean;
  salt?: string;
}

export interface Evidence extends Extensible {
  id?: string;
  type?: string;
  artifacts?: Artifact[];
  audience?: string;
  description?: string;
  genre?: string;
  name: string;
  narrative?: string;
}

export interface Assertion extends Extensible {
  id: string;
  type?: string;
  /** Required unless the assertion is an Open Badge. */
  achievement?: Achievement;
  activityEndDate?: DateTime;
  activityStartDate?: DateTime;
  creditsEarned?: number;
  endorsements?: Endorsement[];
  evidence?: Evidence[];
  expires?: DateTime;
  image?: string;
  /** Required unless the assertion is revoked. */
  issuedOn?: DateTime;
  licenseNumber?: string;
  narrative?: string;
  /** Required unless the assertion is revoked. */
  recipient?: Identity;
  results?: Result[];
  revocationReason?: string;
  revoked?: boolean;
  role?: string;
  signedEndorsements?: CompactJws[];
  source?: Profile;
  term?: string;
  verification?: Verification;
}

export interface Clr extends Extensible {
  id: string;
  type?: string;
  achievements?: Achievement[];
  assertions?: Assertion[];
  endorsements?: Endorsement[];
  issuedOn: DateTime;
  learner: Profile;
  name?: string;
  partial?: boolean;
  publisher: Profile;
  revocationReason?: string;
  revoked?: boolean;
  signedAssertions?: CompactJws[];
  signedEndorsements?: CompactJws[];
  verification?: Verification;
}

/** A top-level document: the object plus its JSON-LD `@context`. */
export type WithContext<T> = T & { '@context': JsonLdContext };

/** Body of `postClr`: `@context` and exactly one of `clr` / `signedClr`. */
export type PostClrPayload =
  | { '@context': JsonLdContext; clr: Clr; signedClr?: never }
  | { '@context': JsonLdContext; signedClr: CompactJws; clr?: never };

/** The getClrs 200 payload. */
export interface ClrSet {
  '@context': JsonLdContext;
  id?: string;
  type?: string;
  clrs?: Clr[];
  signedClrs?: CompactJws[];
}

export type GetClrPayload = WithContext<Clr>;
export type GetAssertionPayload = WithContext<Assertion>;
export type GetEndorsementPayload = WithContext<Endorsement>;
export type GetCryptographicKeyPayload = WithContext<CryptographicKey>;

export interface RevocationList {
  '@context': JsonLdContext;
  id: string;
  type?: string;
  /** The id of the issuer Profile. */
  issuer: string;
  /** Ids of revoked Assertions, Clrs and Endorsements. */
  revokedAssertions?: string[];
}

export interface DiscoveryDocument {
  '@context': JsonLdContext;
  authorizationUrl: string;
  image?: string;
  name: string;
  privacyPolicyUrl: string;
  registrationUrl: string;
  scopesOffered: string[];
  termsOfServiceUrl: string;
  tokenUrl: string;
}

export interface ImsxCodeMinorField {
  imsx_codeMinorFieldName: string;
  imsx_codeMinorFieldValue: ImsxCodeMinorValue;
}

export interface ImsxStatusInfo {
  '@context': JsonLdContext;
  imsx_codeMajor: ImsxCodeMajor;
  imsx_severity: ImsxSeverity;
  imsx_description?: string;
  imsx_codeMinor?: { imsx_codeMinorField: ImsxCodeMinorField[] };
}

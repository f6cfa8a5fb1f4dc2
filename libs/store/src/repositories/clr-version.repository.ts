import { In, type SelectQueryBuilder } from 'typeorm';
import { isUniqueViolation } from '../database/driver-errors';
import { type StoreContext } from '../database/store-context';
import { AssertionLedgerEntity } from '../entities/assertion-ledger.entity';
import { ClrVersionEntity } from '../entities/clr-version.entity';
import { type PayloadForm } from '../entities/delivery-target.entity';
import { RevocationEntity } from '../entities/revocation.entity';
import { SyncRunEntity } from '../entities/sync-run.entity';
import { StoreError } from '../store.errors';
import {
  chunks,
  limitOf,
  newId,
  optionalText,
  requireDate,
  requireInt,
  requireText,
} from './repository-helpers';

export interface StoreVersionInput {
  learnerRef: string;
  /** The SIS learner id (kept for republish; never logged). */
  learnerId: string;
  /** Must be the latest stored version + 1 (1 for a learner's first CLR). */
  version: number;
  contentHash: string;
  clrId: string;
  signedPayload?: string | null;
  unsignedJson: string;
  issuedOn: Date;
  keyId?: string | null;
  runId?: string | null;
}

/** What {@link ClrVersionRepository.pageLatest} reads. */
export interface LatestVersionQuery {
  /** Only CLRs whose latest version was issued strictly after this instant. */
  since?: Date;
  /** Rows to skip (0 and up). */
  offset: number;
  /** Rows to return (1 to 1000). */
  limit: number;
}

/** One page of the latest versions, with how many there are in all. */
export interface LatestVersionPage {
  total: number;
  versions: ClrVersionEntity[];
}

/** A learner as last published: who (ref and SIS id) and from which SIS source. */
export interface PublishedLearner {
  learnerRef: string;
  /** The SIS learner id (personal data: for a republish run's plan only, never logged). */
  learnerId: string;
  /** The SIS source of the run that built the latest version; null when no run built it. */
  source: string | null;
}

/** A version without its documents. */
export type ClrVersionSummary = Pick<
  ClrVersionEntity,
  'id' | 'learnerRef' | 'version' | 'contentHash' | 'clrId' | 'issuedOn' | 'keyId' | 'runId' | 'createdAt'
>;

const SUMMARY_FIELDS: (keyof ClrVersionSummary)[] = [
  'id',
  'learnerRef',
  'version',
  'contentHash',
  'clrId',
  'issuedOn',
  'keyId',
  'runId',
  'createdAt',
];

/** A version with only the document one payload form sends (the other is not read). */
export type ClrVersionPayload = Pick<ClrVersionEntity, 'id' | 'version'> &
  Partial<Pick<ClrVersionEntity, 'signedPayload' | 'unsignedJson'>> & {
    /** The CLR's id is on a revocation list (its learner left the SIS): it must not be sent. */
    clrRevoked: boolean;
  };

/** Where-clause of a query on versions aliased `v`: `v` is its learner's newest version. */
function isLatestOfLearner<T extends object>(query: SelectQueryBuilder<T>): string {
  return `v.version = ${query
    .subQuery()
    .select('MAX(w.version)')
    .from(ClrVersionEntity, 'w')
    .where('w.learnerRef = v.learnerRef')
    .getQuery()}`;
}

/** The CLR versions published for each learner. */
export class ClrVersionRepository {
  constructor(private readonly ctx: StoreContext) {}

  /** The learner's newest version, with its documents; null before the first one. */
  async latestVersion(learnerRef: string): Promise<ClrVersionEntity | null> {
    return this.ctx.run((m) =>
      m.findOne(ClrVersionEntity, { where: { learnerRef }, order: { version: 'DESC' } }),
    );
  }

  async getVersion(id: string): Promise<ClrVersionEntity | null> {
    return this.ctx.run((m) => m.findOneBy(ClrVersionEntity, { id }));
  }

  /**
   * The version's document for one payload form: the signed JWS for `signedClr`, the unsigned
   * JSON for `clr`. A delivery reads only what it sends (the other is about as large).
   */
  async getPayload(id: string, form: PayloadForm): Promise<ClrVersionPayload | null> {
    const column = form === 'signedClr' ? 'signedPayload' : 'unsignedJson';
    return this.ctx.run(async (m) => {
      const row = await m.findOne(ClrVersionEntity, {
        select: { id: true, version: true, clrId: true, [column]: true },
        where: { id },
      });
      if (row === null) return null;
      const clrRevoked = await m.existsBy(RevocationEntity, { revokedId: row.clrId });
      return form === 'signedClr'
        ? { id: row.id, version: row.version, signedPayload: row.signedPayload, clrRevoked }
        : { id: row.id, version: row.version, unsignedJson: row.unsignedJson, clrRevoked };
    });
  }

  /** The newest version carrying a CLR id (the provider-read endpoint looks CLRs up by id). */
  async latestByClrId(clrId: string): Promise<ClrVersionEntity | null> {
    return this.ctx.run((m) => m.findOne(ClrVersionEntity, { where: { clrId }, order: { version: 'DESC' } }));
  }

  /**
   * The latest version of every CLR whose id is on no revocation list, oldest `issuedOn`
   * first (then by CLR id), with documents, one page at a time, plus the count of all of them
   * (the provider-read `getClrs`: `limit`, `offset`, `since`, `X-Total-Count`).
   */
  async pageLatest(query: LatestVersionQuery): Promise<LatestVersionPage> {
    const offset = requireInt(query.offset, 'offset', 0);
    const limit = requireInt(query.limit, 'limit', 1, 1000);
    if (query.since !== undefined) requireDate(query.since, 'since');
    return this.ctx.run(async (m) => {
      const builder = m
        .createQueryBuilder(ClrVersionEntity, 'v')
        .where(isLatestOfLearner)
        .andWhere(
          (sub) =>
            `NOT EXISTS ${sub
              .subQuery()
              .select('1')
              .from(RevocationEntity, 'r')
              .where('r.revokedId = v.clrId')
              .getQuery()}`,
        );
      if (query.since !== undefined) builder.andWhere('v.issuedOn > :since', { since: query.since });
      const total = await builder.getCount();
      const versions =
        offset >= total
          ? []
          : await builder
              .orderBy('v.issuedOn', 'ASC')
              .addOrderBy('v.clrId', 'ASC')
              .offset(offset)
              .limit(limit)
              .getMany();
      return { total, versions };
    });
  }

  /** A learner's versions, newest first, without documents. */
  async listVersions(learnerRef: string, options: { limit?: number } = {}): Promise<ClrVersionSummary[]> {
    return this.ctx.run((m) =>
      m.find(ClrVersionEntity, {
        select: SUMMARY_FIELDS,
        where: { learnerRef },
        order: { version: 'DESC' },
        take: limitOf(options.limit, 100),
      }),
    );
  }

  /** The SIS learner id behind a learner ref (for a republish), or null when never published. */
  async learnerIdOf(learnerRef: string): Promise<string | null> {
    const row = await this.ctx.run((m) =>
      m.findOne(ClrVersionEntity, {
        select: { learnerId: true, version: true },
        where: { learnerRef },
        order: { version: 'DESC' },
      }),
    );
    return row?.learnerId ?? null;
  }

  /** Every learner with at least one version, by ref; page with `afterRef` (republish all). */
  async listLearners(
    options: { afterRef?: string; limit?: number } = {},
  ): Promise<{ learnerRef: string; latestVersion: number }[]> {
    return this.ctx.run(async (m) => {
      const query = m
        .createQueryBuilder(ClrVersionEntity, 'v')
        .select('v.learnerRef', 'learnerRef')
        .addSelect('MAX(v.version)', 'latestVersion')
        .groupBy('v.learnerRef')
        .orderBy('v.learnerRef', 'ASC')
        .limit(limitOf(options.limit, 500, 10_000));
      if (options.afterRef !== undefined)
        query.where('v.learnerRef > :afterRef', { afterRef: options.afterRef });
      const rows = await query.getRawMany<{ learnerRef: string; latestVersion: number | string }>();
      return rows.map((row) => ({ learnerRef: row.learnerRef, latestVersion: Number(row.latestVersion) }));
    });
  }

  /**
   * Every learner with a version, as last published (SIS id and source of the latest version),
   * in ref order; page with `afterRef`. Only those of the given refs when `learnerRefs` is set
   * (then unpaged: all of them, 500 refs per query).
   */
  async publishedLearners(
    options: { learnerRefs?: readonly string[]; afterRef?: string; limit?: number } = {},
  ): Promise<PublishedLearner[]> {
    const latest = (refs: readonly string[] | undefined, limit: number) =>
      this.ctx.run(async (m) => {
        const query = m
          .createQueryBuilder(ClrVersionEntity, 'v')
          .leftJoin(SyncRunEntity, 'r', 'r.id = v.runId')
          .select('v.learnerRef', 'learnerRef')
          .addSelect('v.learnerId', 'learnerId')
          .addSelect('r.source', 'source')
          .where(isLatestOfLearner)
          .orderBy('v.learnerRef', 'ASC')
          .limit(limit);
        if (refs !== undefined) query.andWhere({ learnerRef: In([...refs]) });
        if (options.afterRef !== undefined)
          query.andWhere('v.learnerRef > :afterRef', { afterRef: options.afterRef });
        const rows = await query.getRawMany<{
          learnerRef: string;
          learnerId: string;
          source: string | null;
        }>();
        return rows.map((row) => ({
          learnerRef: row.learnerRef,
          learnerId: String(row.learnerId),
          source: row.source ?? null,
        }));
      });
    if (options.learnerRefs === undefined) return latest(undefined, limitOf(options.limit, 500, 10_000));
    const found: PublishedLearner[] = [];
    for (const refs of chunks([...new Set(options.learnerRefs)]))
      found.push(...(await latest(refs, refs.length)));
    return found;
  }

  /**
   * The newest version of each learner asked for, without documents, in one query per 500
   * learners (a build diffs a whole batch at once). Learners without a version are absent.
   */
  async latestSummaries(learnerRefs: readonly string[]): Promise<Map<string, ClrVersionSummary>> {
    const latest = new Map<string, ClrVersionSummary>();
    for (const refs of chunks([...new Set(learnerRefs)])) {
      const rows = await this.ctx.run((m) =>
        m
          .createQueryBuilder(ClrVersionEntity, 'v')
          .select(SUMMARY_FIELDS.map((field) => `v.${field}`))
          .where({ learnerRef: In(refs) })
          .andWhere(isLatestOfLearner)
          .getMany(),
      );
      for (const row of rows) latest.set(row.learnerRef, row);
    }
    return latest;
  }

  /**
   * Learners a full run of `source` checks against that SIS to find the ones deleted there, with
   * their SIS learner id, by ref; page with `afterRef`. Listed: learners whose latest version that
   * source built (a version no run built counts as the default source's, when `defaultSource`)
   * and that have an active assertion or whose CLR is on no revocation list. A learner whose
   * removal was recorded (every assertion and the CLR revoked) is not listed again.
   */
  async listLearnersToReconcile(options: {
    source: string;
    defaultSource: boolean;
    afterRef?: string;
    limit?: number;
  }): Promise<{ learnerRef: string; learnerId: string }[]> {
    requireText(options.source, 'source', 100);
    return this.ctx.run(async (m) => {
      const query = m
        .createQueryBuilder(ClrVersionEntity, 'v')
        .leftJoin(SyncRunEntity, 'r', 'r.id = v.runId')
        .select('v.learnerRef', 'learnerRef')
        .addSelect('v.learnerId', 'learnerId')
        .where(isLatestOfLearner)
        .andWhere(options.defaultSource ? '(r.source = :source OR v.runId IS NULL)' : 'r.source = :source', {
          source: options.source,
        })
        .andWhere(
          (sub) =>
            `(EXISTS ${sub
              .subQuery()
              .select('1')
              .from(AssertionLedgerEntity, 'l')
              .where('l.learnerRef = v.learnerRef')
              .andWhere("l.status = 'active'")
              .getQuery()} OR NOT EXISTS ${sub
              .subQuery()
              .select('1')
              .from(RevocationEntity, 'x')
              .where('x.revokedId = v.clrId')
              .getQuery()})`,
        )
        .orderBy('v.learnerRef', 'ASC')
        .limit(limitOf(options.limit, 500, 10_000));
      if (options.afterRef !== undefined)
        query.andWhere('v.learnerRef > :afterRef', { afterRef: options.afterRef });
      const rows = await query.getRawMany<{ learnerRef: string; learnerId: string }>();
      return rows.map((row) => ({ learnerRef: row.learnerRef, learnerId: String(row.learnerId) }));
    });
  }

  /**
   * Stores the next version of a learner's CLR. Optimistic: `version` must be the latest + 1.
   * When another writer got there first (or the caller diffed against a stale version) this
   * throws StoreError `VERSION_CONFLICT` and stores nothing; the unique (learner, version)
   * constraint backs the check up against a concurrent insert.
   */
  async storeVersion(input: StoreVersionInput): Promise<ClrVersionEntity> {
    const row = Object.assign(new ClrVersionEntity(), {
      id: newId(),
      learnerRef: requireText(input.learnerRef, 'learnerRef', 128),
      learnerId: requireText(input.learnerId, 'learnerId', 255),
      version: requireInt(input.version, 'version', 1),
      contentHash: requireText(input.contentHash, 'contentHash', 128),
      clrId: requireText(input.clrId, 'clrId', 400),
      signedPayload: input.signedPayload ?? null,
      unsignedJson: requireText(input.unsignedJson, 'unsignedJson', Number.MAX_SAFE_INTEGER),
      issuedOn: requireDate(input.issuedOn, 'issuedOn'),
      keyId: optionalText(input.keyId, 'keyId', 128),
      runId: optionalText(input.runId, 'runId', 36),
      createdAt: this.ctx.now(),
    } satisfies ClrVersionEntity);
    if (row.signedPayload !== null) requireText(row.signedPayload, 'signedPayload', Number.MAX_SAFE_INTEGER);
    return this.ctx.transaction(async (m) => {
      const latest = await m
        .createQueryBuilder(ClrVersionEntity, 'v')
        .select('MAX(v.version)', 'max')
        .where('v.learnerRef = :learnerRef', { learnerRef: row.learnerRef })
        .getRawOne<{ max: number | string | null }>();
      const current = Number(latest?.max ?? 0);
      if (row.version !== current + 1) {
        throw new StoreError(
          'VERSION_CONFLICT',
          `learner ${row.learnerRef}: cannot store version ${row.version}, the latest stored is ${current}`,
        );
      }
      try {
        await m.insert(ClrVersionEntity, row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new StoreError(
          'VERSION_CONFLICT',
          `learner ${row.learnerRef}: version ${row.version} was stored concurrently by another writer`,
          { cause: error },
        );
      }
      return row;
    });
  }
}

import { type AppConfig } from '@app/config';
import { type ClrIdFactory } from '@app/mapping';
import { type PublishedLearner, type PublisherStore } from '@app/store';
import { MAX_REPUBLISH_LEARNERS, type SyncRunService } from '../runs/sync-run.service';
import { learnerRefOf } from '../build/learner-ref';
import { type OperationActor, actorDetails } from './operation-actor';
import { OperationError, invalidField } from './operation.error';
import { type RunView, runView } from './operation-views';

/**
 * Whose CLRs to rebuild, signed anew even where nothing changed:
 * - `learnerIds`: SIS learner ids typed by an operator (never logged or audited);
 * - `learnerRefs`: learner refs as the admin API, logs and problems show them;
 * - `achievementId`: every learner holding that achievement (its URL or the URL's last segment),
 *   found through the assertion ledger;
 * - `all`: every learner published so far.
 * Each takes the SIS `source` to read (default the first configured): a run reads one source,
 * so learners last published from another source are left out (and counted).
 */
export type RepublishRequest = { source?: string } & (
  | { learnerIds: readonly string[] }
  | { learnerRefs: readonly string[] }
  | { achievementId: string }
  | { all: true }
);

export type RepublishScope = 'learnerIds' | 'learnerRefs' | 'achievement' | 'all';

export interface RepublishResult {
  run: RunView;
  scope: RepublishScope;
  /** Learners in the run. */
  learners: number;
  /** Learners selected by achievement, ref or `all` who were last published from another source. */
  otherSources: number;
}

const LEARNER_REF = /^[0-9a-f]{32}$/;
const PAGE = 1000;

/**
 * Republishing: a `republish` run with `force` over the learners an operator selects. The run
 * is an ordinary run (one active per source: a conflict names the active one) whose plan holds
 * the SIS ids; the audit log records the scope and how many learners, never who.
 */
export class RepublishOperations {
  private readonly defaultSource: string;

  constructor(
    private readonly store: PublisherStore,
    private readonly runs: SyncRunService,
    private readonly ids: ClrIdFactory,
    config: Pick<AppConfig, 'sis'>,
  ) {
    this.defaultSource = config.sis.sources[0].name;
  }

  /**
   * @throws OperationError `INVALID_INPUT` (no or several selectors, malformed ids),
   *   `NOT_FOUND` (an achievement no assertion names), `UNPROCESSABLE` (nobody to republish, or
   *   more than one run may take); SyncRunConflictError, SyncRunError (`UNKNOWN_SOURCE` ...).
   */
  async republish(request: RepublishRequest, by: OperationActor): Promise<RepublishResult> {
    const source = request.source ?? this.defaultSource;
    if (typeof source !== 'string' || source.trim() === '') {
      throw invalidField('source', 'must be the name of a configured SIS source');
    }
    const { scope, learnerIds, otherSources, subject } = await this.select(request, source);
    if (learnerIds.length === 0) {
      throw new OperationError(
        'UNPROCESSABLE',
        'nothing_to_republish',
        otherSources > 0
          ? `no learner of source "${source}" to republish (${otherSources} were last published from another source; name it with source)`
          : 'no published learner matches: nothing to republish',
        { details: { otherSources } },
      );
    }
    if (learnerIds.length > MAX_REPUBLISH_LEARNERS) {
      throw new OperationError(
        'UNPROCESSABLE',
        'too_many_learners',
        `${learnerIds.length} learners are more than one republish run takes (${MAX_REPUBLISH_LEARNERS}); run a forced full sync instead (clr-publisher sync --full --force)`,
      );
    }
    const run = await this.runs.trigger({
      source,
      mode: 'republish',
      trigger: by.via === 'cli' ? 'cli' : 'operator',
      requestedBy: by.actor,
      learnerIds,
      force: true,
    });
    await this.store.audit.append({
      actor: by.actor,
      action: 'republish',
      subject: run.id,
      details: {
        scope,
        learners: learnerIds.length,
        source,
        ...(subject !== undefined ? { achievementId: subject } : {}),
        ...actorDetails(by),
      },
    });
    return {
      run: runView(await this.runs.summary(run.id, { problemLimit: 0 })),
      scope,
      learners: learnerIds.length,
      otherSources,
    };
  }

  private async select(
    request: RepublishRequest,
    source: string,
  ): Promise<{ scope: RepublishScope; learnerIds: string[]; otherSources: number; subject?: string }> {
    const selectors = (['learnerIds', 'learnerRefs', 'achievementId', 'all'] as const).filter(
      (key) => (request as Record<string, unknown>)[key] !== undefined,
    );
    if (selectors.length !== 1) {
      throw new OperationError(
        'INVALID_INPUT',
        'invalid_request',
        'name exactly one of learnerIds, learnerRefs, achievementId or all',
        { field: selectors.length === 0 ? 'learnerIds' : selectors[1] },
      );
    }
    if ('learnerIds' in request) {
      // A learner another source last published is that source's to republish: read from this
      // one, they would be missing from its SIS and the build would take them for removed.
      const learnerIds = [...new Set(textList('learnerIds', request.learnerIds, 255))];
      const published = await this.store.versions.publishedLearners({
        learnerRefs: learnerIds.map((id) => learnerRefOf(this.ids, id)),
      });
      const elsewhere = new Set(
        published
          .filter((learner) => (learner.source ?? this.defaultSource) !== source)
          .map((learner) => learner.learnerId),
      );
      return {
        scope: 'learnerIds',
        learnerIds: learnerIds.filter((id) => !elsewhere.has(id)),
        otherSources: elsewhere.size,
      };
    }
    if ('learnerRefs' in request) {
      const refs = textList('learnerRefs', request.learnerRefs, 32);
      refs.forEach((ref, index) => {
        if (!LEARNER_REF.test(ref))
          throw invalidField(`learnerRefs[${index}]`, 'must be a learner ref (32 hex digits)');
      });
      const published = await this.store.versions.publishedLearners({ learnerRefs: refs });
      if (published.length < new Set(refs).size) {
        const known = new Set(published.map((learner) => learner.learnerRef));
        const unknown = refs.find((ref) => !known.has(ref))!;
        throw new OperationError(
          'NOT_FOUND',
          'learner_not_found',
          `no CLR was ever published for learner ${unknown}`,
          {
            field: 'learnerRefs',
          },
        );
      }
      return { scope: 'learnerRefs', ...this.ofSource(published, source) };
    }
    if ('achievementId' in request) {
      const achievementId = this.achievementIdOf(request.achievementId);
      if (!(await this.store.ledger.knowsAchievement(achievementId))) {
        throw new OperationError(
          'NOT_FOUND',
          'achievement_not_found',
          `no assertion of achievement ${achievementId}`,
          {
            field: 'achievementId',
          },
        );
      }
      const refs: string[] = [];
      for (let afterRef: string | undefined; ;) {
        const page = await this.store.ledger.learnersHolding(achievementId, { afterRef, limit: PAGE });
        refs.push(...page);
        if (page.length < PAGE) break;
        afterRef = page[page.length - 1];
      }
      const published = await this.store.versions.publishedLearners({ learnerRefs: refs });
      return { scope: 'achievement', subject: achievementId, ...this.ofSource(published, source) };
    }
    if (request.all !== true) throw invalidField('all', 'must be true');
    const published: PublishedLearner[] = [];
    for (let afterRef: string | undefined; ;) {
      const page = await this.store.versions.publishedLearners({ afterRef, limit: PAGE });
      published.push(...page);
      if (page.length < PAGE) break;
      afterRef = page[page.length - 1].learnerRef;
    }
    return { scope: 'all', ...this.ofSource(published, source) };
  }

  /** Learners of the source (a version no run built counts as the default source's). */
  private ofSource(
    published: readonly PublishedLearner[],
    source: string,
  ): { learnerIds: string[]; otherSources: number } {
    const mine = published.filter((learner) => (learner.source ?? this.defaultSource) === source);
    return {
      learnerIds: mine.map((learner) => learner.learnerId),
      otherSources: published.length - mine.length,
    };
  }

  private achievementIdOf(value: unknown): string {
    if (typeof value !== 'string' || value.trim() === '') {
      throw invalidField('achievementId', "must be an achievement id (its URL or the URL's last segment)");
    }
    if (/^https?:\/\//.test(value)) return value;
    if (LEARNER_REF.test(value)) return this.ids.url('achievements', value);
    throw invalidField('achievementId', "must be an achievement id (its URL or the URL's last segment)");
  }
}

/** A non-empty list of non-empty strings, each at most `max` characters. */
function textList(field: string, value: unknown, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidField(field, 'must be a non-empty list');
  return value.map((item: unknown, index) => {
    if (typeof item !== 'string' || item.trim() === '' || item.length > max) {
      throw invalidField(`${field}[${index}]`, `must be a non-empty string of at most ${max} characters`);
    }
    return item;
  });
}

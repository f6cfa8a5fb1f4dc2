import { type CaseResolution, type CaseResolver, type CaseWarning } from '@app/case';
import { validateClr } from '@app/clr';
import { type AppConfig } from '@app/config';
import {
  type CaseItemReference,
  caseItemReferences,
  mapLearnerToClr,
  mappingContextFromConfig,
} from '@app/mapping';
import { type LearnerRead, type SisReader } from '@app/sis';
import { type ComposeOptions, type LearnerComposition, type PendingComposition } from './compose-outcome';

/** The parts of the validated configuration composition reads. */
export type ComposerConfig = Pick<AppConfig, 'publicBaseUrl' | 'institution' | 'mapping' | 'case'>;

/** The configured SIS sources by name (`SisReaders` from `@app/sis`). */
export interface SisReaderLookup {
  get(name: string): SisReader;
  readonly default: SisReader;
}

/**
 * How the JSON-LD stage of validation runs: `terms` (default) checks terms without expanding,
 * with the same findings as `expand` at a fraction of the cost (see `checkJsonLdTerms` in
 * `@app/clr`); `expand` runs jsonld expansion itself.
 */
export type ComposerJsonLdMode = 'terms' | 'expand';

export interface LearnerClrComposerDeps {
  config: ComposerConfig;
  readers: SisReaderLookup;
  resolver: CaseResolver;
  jsonLd?: ComposerJsonLdMode;
}

/** A resolution that gave no alignment from CASE: the item URI and name stand in, or nothing. */
function unresolved(resolution: CaseResolution): boolean {
  return resolution.source === 'fallback' || resolution.source === 'invalid';
}

/**
 * Composes a learner's CLR from the SIS, as every build does before signing and storing it: read
 * all of the learner's records, resolve their CASE items, map them to a CLR 1.0 `Clr` and validate
 * it. No signing, storage or delivery here; no clock (the caller gives `issuedOn`); nothing
 * logged (records are FERPA data).
 */
export class LearnerClrComposer {
  private readonly config: ComposerConfig;
  private readonly readers: SisReaderLookup;
  private readonly resolver: CaseResolver;
  private readonly jsonLd: ComposerJsonLdMode;

  constructor(deps: LearnerClrComposerDeps) {
    this.config = deps.config;
    this.readers = deps.readers;
    this.resolver = deps.resolver;
    this.jsonLd = deps.jsonLd ?? 'terms';
  }

  /**
   * The CLR one learner gets now (see {@link composeMany}).
   * @throws SisError when the source is unknown (`SIS_CONFIG`), does not fit the contract
   *   (`SIS_SCHEMA`) or cannot be read (`SIS_UNAVAILABLE`, `SIS_QUERY`).
   */
  async compose(learnerId: string, options: ComposeOptions): Promise<LearnerComposition> {
    const [composition] = await this.composeMany([learnerId], options);
    return composition;
  }

  /**
   * The CLRs of many learners, in the order asked: their records are read in one go (a few
   * queries per 500 learners) and the CASE items of the whole batch resolved once. Each learner
   * comes out exactly as {@link compose} would give them alone.
   * @throws SisError as {@link compose}; a failed read fails the whole batch.
   */
  async composeMany(learnerIds: readonly string[], options: ComposeOptions): Promise<LearnerComposition[]> {
    const pending = await this.prepareMany(learnerIds, options);
    return Promise.all(pending.map((learner) => learner.compose()));
  }

  /**
   * {@link composeMany} in two steps: the batched SIS read and CASE resolution now, each
   * learner's mapping and validation when its `compose` is called (a batch then holds only the
   * CLRs in hand, not all of them at once).
   * @throws SisError as {@link compose}; a failed read fails the whole batch.
   */
  async prepareMany(learnerIds: readonly string[], options: ComposeOptions): Promise<PendingComposition[]> {
    if (learnerIds.length === 0) return [];
    const reader =
      options.sourceName === undefined ? this.readers.default : this.readers.get(options.sourceName);
    const reads = await reader.readLearnersRecords(learnerIds);

    const references = new Map<string, CaseItemReference>();
    const referencesOf = new Map<LearnerRead, CaseItemReference[]>();
    for (const read of reads) {
      if (read.records === null || referencesOf.has(read)) continue;
      const own = caseItemReferences(read.records);
      referencesOf.set(read, own);
      for (const reference of own)
        if (!references.has(reference.uri)) references.set(reference.uri, reference);
    }
    // Requests sorted by URI, so the fallback name of an item shared by several learners does
    // not depend on who else is in the batch (the competency row is the same for all anyway).
    const batch = await this.resolver.resolveMany(
      [...references.values()].sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0)),
    );
    const resolutions = new Map(batch.resolutions.map((resolution) => [resolution.uri, resolution]));
    const itemWarnings = new Set(batch.resolutions.flatMap((resolution) => resolution.warnings));
    // Package refreshes concern everyone in the batch.
    const sharedWarnings = batch.warnings.filter((warning) => !itemWarnings.has(warning));
    // Only alignments CASE gave: the mapping applies `case.onUnresolved` (keep-url / omit) to
    // the others itself, which it cannot when handed the resolver's fallbacks.
    const resolved = new Map(
      batch.resolutions.flatMap((resolution) =>
        resolution.alignment !== undefined && !unresolved(resolution)
          ? [[resolution.uri, resolution.alignment] as const]
          : [],
      ),
    );
    const context = mappingContextFromConfig(this.config, resolved, options.issuedOn);

    // Nothing is kept: a composition lives as long as whoever asked for it holds it.
    return reads.map((read) => ({
      learnerId: read.learnerId,
      compose: () => {
        const own = (referencesOf.get(read) ?? []).map((reference) => resolutions.get(reference.uri));
        return this.composeRead(
          read,
          own.filter((resolution) => resolution !== undefined),
          sharedWarnings,
          context,
        );
      },
    }));
  }

  private async composeRead(
    read: LearnerRead,
    resolutions: readonly CaseResolution[],
    sharedWarnings: readonly CaseWarning[],
    context: ReturnType<typeof mappingContextFromConfig>,
  ): Promise<LearnerComposition> {
    if (read.records === null) {
      return { status: 'unknown-learner', learnerId: read.learnerId, problems: read.problems };
    }
    const mapping = mapLearnerToClr(read.records, context);
    const reasons =
      this.config.case.onUnresolved === 'fail'
        ? resolutions
            .filter(unresolved)
            .map(
              (resolution) =>
                `CASE item ${resolution.uri} could not be resolved (${resolution.warnings
                  .map((warning) => warning.code)
                  .join(', ')}) and case.onUnresolved is "fail"`,
            )
        : [];
    const report = await validateClr(mapping.clr, { jsonLd: this.jsonLd });
    return {
      status: report.findings.length === 0 && reasons.length === 0 ? 'ok' : 'invalid',
      learnerId: read.learnerId,
      clr: mapping.clr,
      problems: [...read.problems, ...mapping.problems],
      caseWarnings: [...sharedWarnings, ...resolutions.flatMap((resolution) => resolution.warnings)],
      findings: report.findings,
      reasons,
    };
  }
}

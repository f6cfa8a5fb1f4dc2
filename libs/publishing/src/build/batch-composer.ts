import { type CaseResolver } from '@app/case';
import { type LearnerRead, type LearnerRecords, type SisReader } from '@app/sis';
import { type ComposeOptions, type PendingComposition } from '../compose/compose-outcome';
import {
  type ComposerConfig,
  LearnerClrComposer,
  type SisReaderLookup,
} from '../compose/learner-clr-composer';

/** A batch's learners, each composed when asked, and the SIS records read for them, by learner id. */
export interface ComposedBatch {
  learners: PendingComposition[];
  records: Map<string, LearnerRecords>;
}

export interface BatchComposerDeps {
  config: ComposerConfig;
  readers: SisReaderLookup;
  resolver: CaseResolver;
}

/**
 * Prepares a batch with {@link LearnerClrComposer} (one batched SIS read, CASE resolved once;
 * each learner mapped and validated with the fast JSON-LD term check when the build comes to
 * them, so a batch never holds all its CLRs at once) and keeps the records it read: the build
 * needs each assertion's SIS row key for the assertion ledger, which a composition does not carry. The records are caught
 * on their way to the composer (a reader that hands on what it read), so the SIS is read once.
 */
export class BatchComposer {
  constructor(private readonly deps: BatchComposerDeps) {}

  async compose(learnerIds: readonly string[], options: ComposeOptions): Promise<ComposedBatch> {
    const records = new Map<string, LearnerRecords>();
    const keep = (reads: readonly LearnerRead[]): void => {
      for (const read of reads) if (read.records !== null) records.set(read.learnerId, read.records);
    };
    const deps = this.deps;
    const readers: SisReaderLookup = {
      get: (name) => recordingReader(deps.readers.get(name), keep),
      get default() {
        return recordingReader(deps.readers.default, keep);
      },
    };
    const composer = new LearnerClrComposer({
      config: deps.config,
      readers,
      resolver: deps.resolver,
      jsonLd: 'terms',
    });
    const learners = await composer.prepareMany(learnerIds, options);
    return { learners, records };
  }
}

/** The reader itself for everything but `readLearnersRecords`, whose result is also handed to `keep`. */
function recordingReader(reader: SisReader, keep: (reads: readonly LearnerRead[]) => void): SisReader {
  const recording = Object.create(reader) as SisReader;
  recording.readLearnersRecords = async (learnerIds: readonly string[]): Promise<LearnerRead[]> => {
    const reads = await reader.readLearnersRecords(learnerIds);
    keep(reads);
    return reads;
  };
  return recording;
}

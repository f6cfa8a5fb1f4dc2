import { type CaseResolver, caseModuleOptionsFromConfig, createCaseResolver } from '@app/case';
import { type AppConfig } from '@app/config';
import { SisReaders } from '@app/sis';
import { type ComposerJsonLdMode, LearnerClrComposer } from './learner-clr-composer';

export interface StandaloneComposerOptions {
  /** Readers to use instead of one per configured source (closed by the caller then). */
  readers?: SisReaders;
  /** A resolver to use instead of one built from the `case` section. */
  resolver?: CaseResolver;
  jsonLd?: ComposerJsonLdMode;
}

/** A composer outside Nest (CLI, tests) and how to release what it opened. */
export interface StandaloneComposer {
  composer: LearnerClrComposer;
  /** Closes the SIS connections this factory opened. */
  close(): Promise<void>;
}

/**
 * Builds a {@link LearnerClrComposer} from the validated configuration without Nest: one SIS
 * reader per configured source (connected on first use) and a CASE resolver loading the
 * configured packages.
 * @throws SisError `SIS_CONFIG` listing every record-set problem of every source; the CASE
 *   package loader's error when a package file is missing or not a CFPackage.
 */
export async function createLearnerClrComposer(
  config: AppConfig,
  options: StandaloneComposerOptions = {},
): Promise<StandaloneComposer> {
  const readers = options.readers ?? new SisReaders(config);
  try {
    const resolver = options.resolver ?? (await createCaseResolver(caseModuleOptionsFromConfig(config.case)));
    return {
      composer: new LearnerClrComposer({ config, readers, resolver, jsonLd: options.jsonLd }),
      close: async () => {
        if (options.readers === undefined) await Promise.all(readers.all().map((reader) => reader.close()));
      },
    };
  } catch (error) {
    if (options.readers === undefined) await Promise.all(readers.all().map((reader) => reader.close()));
    throw error;
  }
}

import { type AppConfig, InjectAppConfig } from '@app/config';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SisReader } from '../reader/sis.reader';
import { SisError } from '../reader/sis.error';

/**
 * One {@link SisReader} (one DataSource, connected on first use) per configured SIS source.
 * Configuration problems of all sources are reported together when the app is built; pools
 * close on shutdown.
 */
@Injectable()
export class SisReaders implements OnApplicationShutdown {
  private readonly readers = new Map<string, SisReader>();

  constructor(@InjectAppConfig() config: AppConfig) {
    const problems: string[] = [];
    config.sis.sources.forEach((source, index) => {
      try {
        this.readers.set(source.name, new SisReader(source, { configPath: `sis.sources[${index}]` }));
      } catch (error) {
        if (error instanceof SisError && error.code === 'SIS_CONFIG') problems.push(...error.problems);
        else throw error;
      }
    });
    if (problems.length > 0) throw SisError.listing('SIS_CONFIG', 'configuration', problems);
  }

  /** The reader of a source by name. @throws SisError `SIS_CONFIG` for an unknown name. */
  get(name: string): SisReader {
    const reader = this.readers.get(name);
    if (reader === undefined) {
      throw new SisError(
        'SIS_CONFIG',
        `no SIS source named "${name}" (configured: ${[...this.readers.keys()].join(', ')})`,
      );
    }
    return reader;
  }

  /** The first configured source: the one a single-SIS institution has. */
  get default(): SisReader {
    return this.all()[0];
  }

  all(): SisReader[] {
    return [...this.readers.values()];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.all().map((reader) => reader.close()));
  }
}

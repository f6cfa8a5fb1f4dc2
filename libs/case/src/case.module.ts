import {
  type DynamicModule,
  type InjectionToken,
  Module,
  type ModuleMetadata,
  type Provider,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { caseModuleOptionsFromConfig } from './case-config';
import { loadCfPackageFiles } from './cf-package.loader';
import { CaseResolver, type CaseResolverOptions } from './case-resolver';

/** What an app configures: package files by path plus the resolver options. */
export interface CaseModuleOptions extends Omit<CaseResolverOptions, 'packages'> {
  /** CFPackage JSON files, e.g. `config/case/act-holistic-framework-math.cfpackage.json`. */
  packageFiles?: readonly string[];
}

export interface CaseModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => CaseModuleOptions | Promise<CaseModuleOptions>;
}

/** Builds the resolver an app injects: loads the package files (failing startup if one is bad). */
export async function createCaseResolver(options: CaseModuleOptions): Promise<CaseResolver> {
  const { packageFiles, ...rest } = options;
  const packages = await loadCfPackageFiles(packageFiles ?? []);
  return new CaseResolver({ ...rest, packages });
}

/** Thin Nest wrapper: provides and exports one {@link CaseResolver} per module import. */
@Module({})
export class CaseModule {
  static forRoot(options: CaseModuleOptions): DynamicModule {
    const provider: Provider = { provide: CaseResolver, useFactory: () => createCaseResolver(options) };
    return { module: CaseModule, providers: [provider], exports: [CaseResolver] };
  }

  static forRootAsync(options: CaseModuleAsyncOptions): DynamicModule {
    const provider: Provider = {
      provide: CaseResolver,
      inject: options.inject ?? [],
      useFactory: async (...args: never[]) => createCaseResolver(await options.useFactory(...args)),
    };
    return {
      module: CaseModule,
      imports: options.imports ?? [],
      providers: [provider],
      exports: [CaseResolver],
    };
  }

  /** The resolver of the app's `case` configuration (needs `ClrConfigModule.forRoot()` imported). */
  static forAppConfig(): DynamicModule {
    return CaseModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => caseModuleOptionsFromConfig(config.case),
    });
  }
}

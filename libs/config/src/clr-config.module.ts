import { type DynamicModule, Inject, Module } from '@nestjs/common';
import { type LoadConfigOptions, loadConfig } from './loader/config.loader';
import { type AppConfig } from './schema/app-config.schema';

/** Injection token of the validated {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** `@InjectAppConfig() private readonly config: AppConfig` */
export const InjectAppConfig = (): ParameterDecorator => Inject(APP_CONFIG);

export interface ClrConfigModuleOptions extends LoadConfigOptions {
  /** An already loaded configuration (tests, or a CLI that loaded it to report errors itself). */
  config?: AppConfig;
}

/**
 * Provides the validated configuration under {@link APP_CONFIG}, globally. The file is loaded
 * and validated when `forRoot` is called, i.e. while the module tree is being declared, so a bad
 * configuration stops the process before anything starts.
 */
@Module({})
export class ClrConfigModule {
  static forRoot(options: ClrConfigModuleOptions = {}): DynamicModule {
    const config = options.config ?? loadConfig(options);
    return {
      module: ClrConfigModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}

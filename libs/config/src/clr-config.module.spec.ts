import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { APP_CONFIG, ClrConfigModule, InjectAppConfig } from './clr-config.module';
import { ConfigError } from './config.error';
import { type AppConfig } from './schema/app-config.schema';

@Injectable()
class NeedsConfig {
  constructor(@InjectAppConfig() readonly config: AppConfig) {}
}

@Module({ providers: [NeedsConfig] })
class FeatureModule {}

describe('ClrConfigModule', () => {
  it('provides the validated configuration globally under APP_CONFIG', async () => {
    const module = await Test.createTestingModule({
      imports: [ClrConfigModule.forRoot({ env: {} }), FeatureModule],
    }).compile();
    expect(module.get(NeedsConfig).config.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(module.get<AppConfig>(APP_CONFIG).institution.id).toBe('demo-university');
  });

  it('stops before anything starts when the configuration is invalid', () => {
    expect(() => ClrConfigModule.forRoot({ path: 'config/production.example.yaml', env: {} })).toThrow(
      ConfigError,
    );
  });
});

import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { loadConfig } from './load-config';

/** Provides the validated `AppConfig` to every module; boot fails fast on invalid variables. */
@Global()
@Module({})
export class ConfigModule {
  /** @param config a ready configuration (tests); by default it is loaded from the environment. */
  static forRoot(config?: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useFactory: () => config ?? loadConfig() }], exports: [AppConfig] };
  }
}

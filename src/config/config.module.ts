import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { RegionConfig } from './config.js';

export const REGION_CONFIG = Symbol('REGION_CONFIG');

/** Makes the already-validated configuration injectable; parsing happens before Nest starts. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RegionConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: REGION_CONFIG, useValue: config }], exports: [REGION_CONFIG] };
  }
}

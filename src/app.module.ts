import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { RegionConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { LoggerModule } from './common/logger.module.js';
import { dataSourceOptions } from './database/data-source.js';
import { serializeSqliteTransactions } from './database/sqlite-serial.js';
import { AdminModule } from './modules/admin/admin.module.js';
import { CredentialsModule } from './modules/credentials/credentials.module.js';
import { ExplorerModule } from './modules/explorer/explorer.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { LedgerModule } from './modules/ledger/ledger.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { Oid4vpModule } from './modules/oid4vp/oid4vp.module.js';
import { Oid4vciModule } from './modules/oid4vci/oid4vci.module.js';
import { NetworkModule } from './modules/network/network.module.js';
import { PolicyModule } from './modules/policy/policy.module.js';
import { ReplicationModule } from './modules/replication/replication.module.js';
import { RegistryModule } from './modules/registry/registry.module.js';
import { TrustModule } from './modules/trust/trust.module.js';
import { WitnessModule } from './modules/witness/witness.module.js';

@Module({})
export class AppModule {
  static forRoot(config: RegionConfig, log: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(log),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config), retryAttempts: 0 }),
          // On SQLite an open transaction has the one connection to itself (src/database/sqlite-serial.ts).
          dataSourceFactory: async (options) => {
            const db = await new DataSource(options!).initialize();
            serializeSqliteTransactions(db);
            return db;
          },
        }),
        NetworkModule,
        PolicyModule,
        MetricsModule,
        HealthModule,
        AdminModule,
        LedgerModule,
        RegistryModule,
        ReplicationModule,
        WitnessModule,
        TrustModule,
        CredentialsModule,
        ExplorerModule,
        Oid4vpModule,
        Oid4vciModule,
      ],
    };
  }
}

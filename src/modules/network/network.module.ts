import { Global, Module } from '@nestjs/common';
import { databaseOwnerProvider } from './database-owner.js';
import { NetworkService } from './network.service.js';

/** The genesis and region keys, and the check (before any module writes) that the database is this region's. */
@Global()
@Module({ providers: [NetworkService, databaseOwnerProvider], exports: [NetworkService] })
export class NetworkModule {}

import { Module } from '@nestjs/common';
import { ReplicationModule } from '../replication/replication.module.js';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({ imports: [ReplicationModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}

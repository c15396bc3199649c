import { Module } from '@nestjs/common';
import { AdminGuard } from '../auth/admin.guard.js';
import { AdminController } from './admin.controller.js';
import { AdminService } from './admin.service.js';
import { IssuerRepository } from './issuer.repository.js';

@Module({ controllers: [AdminController], providers: [AdminService, IssuerRepository, AdminGuard], exports: [IssuerRepository] })
export class AdminModule {}

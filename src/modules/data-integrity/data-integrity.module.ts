import { Module } from '@nestjs/common';
import { RegistryModule } from '../registry/registry.module.js';
import { DocumentLoaderService } from './document-loader.js';

/** The offline JSON-LD document loader every Data Integrity operation uses (docs/data-integrity.md). */
@Module({
  imports: [RegistryModule],
  providers: [DocumentLoaderService],
  exports: [DocumentLoaderService],
})
export class DataIntegrityModule {}

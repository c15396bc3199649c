import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsNumberString, IsOptional } from 'class-validator';
import { fastAccept, plainObjectWith } from '../../../common/validation.js';

export class ResolveQueryDto {
  /** The 1-based position of an operation in the DID's chain. */
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  versionId?: string;

  /** An RFC 3339 instant: the version in force then. */
  @IsOptional()
  @IsISO8601({ strict: true })
  versionTime?: string;
}

export class DidStateDto {
  /** @example "finished" */
  state!: 'finished';
  /** @example "did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae" */
  did!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  didDocument!: Record<string, unknown> | null;
}

export class RegistrationResultDto {
  /** Always null: operations finish synchronously. */
  @ApiProperty({ type: String, nullable: true, example: null })
  jobId!: string | null;
  didState!: DidStateDto;
  /** Where the operation went on the ledger: log, index, operation hash. */
  didRegistrationMetadata!: Record<string, unknown>;
  didDocumentMetadata!: Record<string, unknown>;
}

export class DidLogOperationDto {
  /** The signed operation, as submitted. */
  operation!: Record<string, unknown>;
  /** @example "eu" */
  log!: string;
  index!: number;
  /** RFC 9162 inclusion proof against the latest checkpoint. */
  inclusion!: Record<string, unknown>;
}

export class DidLogDto {
  did!: string;
  operations!: DidLogOperationDto[];
}

// A resolution without version parameters, checked without class-validator (src/common/validation.ts).
const NO_KEYS = new Set<string>();
fastAccept(ResolveQueryDto, (query) => plainObjectWith(query, NO_KEYS));

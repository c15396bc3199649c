import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class EntriesQueryDto {
  /** First index to return. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  start: number = 0;

  /** At most this many entries (1–1000). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 100;
}

export class InclusionQueryDto {
  /** Index of the entry to prove. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  index!: number;

  /** Tree size to prove against (default: the latest checkpoint's). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  size?: number;
}

export class ConsistencyQueryDto {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  from!: number;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  to!: number;
}

export class StoredEntryDto {
  /** @example 0 */
  index!: number;
  /** Base64 RFC 9162 leaf hash. */
  leafHash!: string;
  /** The entry object (docs/ledger.md section 2). */
  entry!: Record<string, unknown>;
}

export class EntriesPageDto {
  entries!: StoredEntryDto[];
  /** Where the next page starts, or null at the end. */
  @ApiProperty({ type: Number, nullable: true })
  next!: number | null;
}

export class InclusionProofDto {
  index!: number;
  size!: number;
  leafHash!: string;
  rootHash!: string;
  /** Base64 hashes, leaf to root (RFC 9162 section 2.1.3). */
  proof!: string[];
}

export class ConsistencyProofDto {
  from!: number;
  to!: number;
  /** Base64 hashes (RFC 9162 section 2.1.4). */
  proof!: string[];
}

export class RegionKeysDto {
  id!: string;
  url!: string;
  /** C2SP verifier key of the region's log key. */
  logKey!: string;
  cosignerKey!: string;
  governanceKey!: string;
}

export class LedgerKeysDto {
  network!: string;
  regions!: RegionKeysDto[];
}

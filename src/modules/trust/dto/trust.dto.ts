import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class AccreditIssuerDto {
  /** The issuer's DID. @example "did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae" */
  @IsString()
  @Matches(/^did:[a-z0-9]+:\S+$/, { message: 'issuer must be a DID' })
  @MaxLength(200)
  issuer!: string;

  /** The credential types it is accredited for. @example ["UniversityDegreeCredential"] */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  credentialTypes!: string[];

  /** The legal frame (default: the region id in capitals). @example "EU" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  jurisdiction?: string;

  /** Default: now. @example "2026-01-01T00:00:00Z" */
  @IsOptional()
  @IsISO8601({ strict: true })
  validFrom?: string;

  /** Default: no end. @example "2030-01-01T00:00:00Z" */
  @IsOptional()
  @IsISO8601({ strict: true })
  validUntil?: string;
}

export class WithdrawAccreditationDto {
  /** The id of an accreditation of this region. @example "0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22" */
  @IsString()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, { message: 'accreditation must be the id of an accreditation' })
  accreditation!: string;
}

export class TrustEntryResultDto {
  /** The signed trust-list entry, as appended. */
  @ApiProperty({ type: 'object', additionalProperties: true })
  entry!: Record<string, unknown>;
  /** @example "eu" */
  log!: string;
  /** @example 42 */
  index!: number;
}

export class AccreditationDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the signed accreditation entry' })
  accreditation!: Record<string, unknown>;
  /** @example "eu" */
  log!: string;
  /** @example 42 */
  index!: number;
  /** Within its validity period now. */
  active!: boolean;
}

export class TrustListDto {
  accreditations!: AccreditationDto[];
}

export class IssuerAccreditationsDto extends TrustListDto {
  /** @example "did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae" */
  issuer!: string;
}

import { ApiProperty } from '@nestjs/swagger';

export class RetentionDto {
  /** After this many days an issuance record keeps only what status changes need. @example 30 */
  issuanceRecordDays?: number;
  /** @example "full" */
  keep!: 'full' | 'status-only';
}

export class RegionPolicyDto {
  /** @example "eu" */
  region!: string;
  /** @example 1 */
  v!: 1;
  /** Credential type (or `*`) → subject claims that credentials issued here must make selectively disclosable. */
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, example: { PersonIdentityCredential: ['birthDate', 'nationality'] } })
  protectedClaims!: Record<string, readonly string[]>;
  /** Credential type → purpose (or `*`) → subject claims a relying party here may receive from a credential issued in another region. */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { PersonIdentityCredential: { 'age-verification': ['ageOver18'], '*': [] } } })
  foreignDisclosure!: Record<string, Readonly<Record<string, readonly string[]>>>;
  /** Region → credential types (or `*`) whose accreditations this region recognizes. */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { ap: ['UniversityDegreeCredential'] } })
  recognize!: Record<string, readonly string[] | '*'>;
  retention!: RetentionDto;
}

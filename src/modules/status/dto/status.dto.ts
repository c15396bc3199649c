import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, MaxLength, ValidateNested } from 'class-validator';

export const STATUS_TYPES = ['BitstringStatusListEntry', 'BitstringStatusListCredential', 'TokenStatusList'] as const;

export class CredentialStatusChangeDto {
  /**
   * The status mechanism: `BitstringStatusListEntry` (or `BitstringStatusListCredential`) for
   * vc+jwt, vc+sd-jwt and jwt_vc_json; `TokenStatusList` for dc+sd-jwt.
   * @example "BitstringStatusListEntry"
   */
  @IsIn(STATUS_TYPES)
  type!: (typeof STATUS_TYPES)[number];

  /** `revoked` is final; `suspended` and `active` (lifts a suspension) can alternate. */
  @IsIn(['revoked', 'suspended', 'active'])
  status!: 'revoked' | 'suspended' | 'active';
}

export class UpdateStatusRequestDto {
  /** The id of a credential your tenant issued here. @example "urn:uuid:0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22" */
  @IsString()
  @MaxLength(200)
  credentialId!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @ValidateNested({ each: true })
  @Type(() => CredentialStatusChangeDto)
  credentialStatus!: CredentialStatusChangeDto[];
}

export class CredentialStatusStateDto {
  /** Revoked (final). */
  revoked!: boolean;
  /** Suspended (can be lifted). */
  suspended!: boolean;
}

export class PublishedListDto {
  /** @example "http://127.0.0.1:3001/status-lists/8a1b0c7e-6f7d-4d59-9f57-0d4f3f1a2b3c" */
  url!: string;
  /** @example "revocation" */
  purpose!: string;
  /** The list version that now carries the credential's status. @example 3 */
  version!: number;
}

export class UpdateStatusResponseDto {
  credentialId!: string;
  status!: CredentialStatusStateDto;
  /** The lists the credential's status lives in, at their current versions. */
  lists!: PublishedListDto[];
}

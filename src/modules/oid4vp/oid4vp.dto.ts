import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_TTL_SECONDS, RESPONSE_MODES, type ResponseMode } from '../../domain/oid4vp/request.js';

export class CreatePresentationRequestDto {
  /**
   * A DID your tenant created in this region, with an assertion key the region holds: the
   * client identifier is `decentralized_identifier:<this DID>` and the request object is signed with that key.
   * @example "did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae"
   */
  @IsString()
  @MaxLength(200)
  @Matches(/^did:[a-z0-9]+:\S+$/, { message: 'clientDid must be a DID' })
  clientDid!: string;

  /** The DCQL query (OpenID4VP 1.0 section 6); credential format dc+sd-jwt. */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: ['https://eu.example/vct/PersonIdentificationData'] }, claims: [{ path: ['birthDate'] }] }] } })
  @IsObject()
  dcql!: Record<string, unknown>;

  /**
   * Why the relying party asks: selects what the jurisdiction's disclosure policy lets it receive (GET /policy).
   * @example "age-verification"
   */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  purpose?: string;

  /** direct_post (default), or direct_post.jwt: the response encrypted (JWE) to an ephemeral key of this request. */
  @IsOptional()
  @IsIn(RESPONSE_MODES)
  responseMode?: ResponseMode;

  /** Issuer DIDs the relying party accepts; without it, any issuer whose credential verifies here. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  trustedIssuers?: string[];

  /** Fail unless a region this one recognizes accredits the issuer for the credential's type. */
  @IsOptional()
  @IsBoolean()
  requireAccreditation?: boolean;

  /** An http(s) URL the result is POSTed to once (JSON {id, state, result}); redirects are not followed. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  webhook?: string;

  /** How long the request stays answerable (default 300). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TTL_SECONDS)
  expiresInSeconds?: number;
}

export class QrCodeUrlsDto {
  png!: string;
  svg!: string;
}

export class CreatePresentationResponseDto {
  id!: string;
  /** The openid4vp:// URI for the wallet: client_id and request_uri (the signed request object, by reference). */
  authorizationRequest!: string;
  requestUri!: string;
  clientId!: string;
  expiresAt!: string;
  qrCode!: QrCodeUrlsDto;
}

export class PresentationRequestStateDto {
  id!: string;
  @ApiProperty({ enum: ['pending', 'completed', 'failed'] })
  state!: 'pending' | 'completed' | 'failed';
  expiresAt!: string;
  /** completed: {verified: true, credentials: {<credential query id>: [{format, issuer, vct, claims}]}, warnings}; failed: {verified: false, error, error_description, checks?}; pending: null. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  result!: Record<string, unknown> | null;
}


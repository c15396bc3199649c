import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IssueOptionsDto } from '../../credentials/dto/credentials.dto.js';

export class OfferOptionsDto extends IssueOptionsDto {
  /**
   * A transaction code (4 to 32 printable ASCII characters, e.g. six digits) that the issuer gives
   * the holder by another channel (SMS, e-mail); the wallet must send it to get a token.
   * @example "493817"
   */
  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{4,32}$/, { message: 'txCode must be 4 to 32 printable ASCII characters' })
  txCode?: string;

  /** How long the offer stays valid, in seconds (at most the region's OID4VCI_OFFER_TTL_SECONDS, its default). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  offerTtlSeconds?: number;
}

export class OfferRequestDto {
  /**
   * A VCDM 2.0 credential without proof, as for POST /credentials/issue; `issuer` is a DID your tenant created here.
   * @example {"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","UniversityDegreeCredential"],"issuer":"did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"degree":"MSc"}}
   */
  @IsObject()
  credential!: Record<string, unknown>;

  /** As for POST /credentials/issue (format, selectivelyDisclosable, status, vct), without holder (the wallet proves its key), plus txCode and offerTtlSeconds. */
  @IsOptional()
  @ValidateNested()
  @Type(() => OfferOptionsDto)
  options?: OfferOptionsDto;
}

export class OfferQrCodeDto {
  /** @example "https://eu.example/oid4vci/offers/0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22/qr.png" */
  png!: string;
  /** @example "https://eu.example/oid4vci/offers/0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22/qr.svg" */
  svg!: string;
}

export class OfferResponseDto {
  /** @example "0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22" */
  id!: string;
  /**
   * The offer by reference, for a wallet (link or QR code).
   * @example "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Feu.example%2Foid4vci%2Foffers%2F0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22"
   */
  credentialOffer!: string;
  /** @example "https://eu.example/oid4vci/offers/0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22" */
  credentialOfferUri!: string;
  /** Images of credentialOffer to show a person. */
  qrCode!: OfferQrCodeDto;
  /** When the offer stops working (ISO 8601). */
  expiresAt!: string;
}

/** The credentials a wallet received through an offer: their ids, for POST /credentials/status. */
export class OfferCredentialsDto {
  /** @example "0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22" */
  offerId!: string;
  /**
   * Empty while the offer waits for its wallet; one id per credential once redeemed (more for a batch).
   * @example ["urn:uuid:6f1c2a0e-9d1b-4a57-8c7e-2b6f4d9e1a33"]
   */
  credentialIds!: string[];
}

/** An OAuth 2.0 error answer (RFC 6749 §5.2), of OpenID4VCI and OpenID4VP alike: what wallets get, instead of problem+json. */
export class OAuthErrorDto {
  /** @example "invalid_grant" */
  error!: string;
  /** @example "the pre-authorized code was already used" */
  error_description!: string;
}

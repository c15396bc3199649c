import { ApiHideProperty, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { fastAccept, jsonObject, plainObjectWith } from '../../../common/validation.js';
import { Allow, ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsNumber, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class IssueOptionsDto {
  /** Securing format (docs/credentials.md); `ldp_vc`: an embedded Data Integrity proof (docs/data-integrity.md). */
  @IsOptional()
  @IsIn(['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt', 'jwt_vc_json', 'ldp_vc'])
  format?: 'vc+jwt' | 'vc+sd-jwt' | 'dc+sd-jwt' | 'jwt_vc_json' | 'ldp_vc';

  /**
   * ldp_vc: the Data Integrity cryptosuite (eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019,
   * ecdsa-sd-2023, bbs-2023); a 400 names the allowed ones.
   * @example "eddsa-rdfc-2022"
   */
  @IsOptional()
  @IsString()
  cryptosuite?: string;

  /**
   * ecdsa-sd-2023 / bbs-2023: JSON pointers of what every derived credential must disclose
   * (issuer, type, dates and status always are).
   * @example ["/credentialSubject/degree"]
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  mandatoryPointers?: string[];

  /**
   * JSON pointers into the request's credential of the claims to make selectively disclosable
   * (vc+sd-jwt, dc+sd-jwt).
   * @example ["/credentialSubject/birthDate"]
   */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  selectivelyDisclosable?: string[];

  /** The holder's key for key binding (`cnf`): a DID (its first authentication key) or a public JWK. */
  @IsOptional()
  holder?: string | Record<string, unknown>;

  /** dc+sd-jwt: the `vct` (default: a URL naming the credential's last type). */
  @IsOptional()
  @IsString()
  vct?: string;

  /**
   * Status purposes the credential gets entries for (docs/status.md): BitstringStatusListEntry
   * per purpose for the W3C formats; one `status.status_list` reference for dc+sd-jwt.
   * @example ["revocation","suspension"]
   */
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(2)
  @IsIn(['revocation', 'suspension'], { each: true })
  status?: ('revocation' | 'suspension')[];
}

export class IssueRequestDto {
  /**
   * A VCDM 2.0 credential without proof; `issuer` is a DID your tenant created here.
   * @example {"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential","UniversityDegreeCredential"],"issuer":"did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae","validFrom":"2026-01-01T00:00:00Z","credentialSubject":{"id":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK","degree":"MSc"}}
   */
  @IsObject()
  credential!: Record<string, unknown>;

  @IsOptional()
  @ValidateNested()
  @Type(() => IssueOptionsDto)
  options?: IssueOptionsDto;
}

export class IssueResponseDto {
  /** The enveloped credential: `data:application/<format>,<token>`; for ldp_vc the credential with its Data Integrity proof. */
  @ApiProperty({ type: 'object', additionalProperties: true, example: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: 'data:application/vc+jwt,eyJ…' } })
  verifiableCredential!: Record<string, unknown>;
  /** @example "urn:uuid:0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22" */
  credentialId!: string;
}

export class VerifyOptionsDto {
  /** Allowed clock skew in seconds for every time claim (iat, nbf, exp, validFrom, validUntil; default 60, 0 to 300). */
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(300)
  clockSkewSeconds?: number;

  /** The nonce the presentation must carry (key-binding JWT or VP JWT `nonce`); with `domain`, what makes a presentation fresh. */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  challenge?: string;

  /** The audience (this relying party) the presentation must name (`aud`). */
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  domain?: string;

  /**
   * Accept a presentation that proves no freshness: no challenge and domain asked for, or made
   * more than 5 minutes ago. It could be a replay; the answer says so in the warning `freshness`.
   */
  @IsOptional()
  @IsBoolean()
  allowReplay?: boolean;

  /**
   * Why the relying party asks (e.g. `age-verification`): selects what this region's disclosure
   * policy lets it receive of a credential issued in another region (GET /policy).
   * @example "age-verification"
   */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  purpose?: string;

  /** Fail (check issuer-accreditation) unless a region this one recognizes accredits the issuer for the credential's type. */
  @IsOptional()
  @IsBoolean()
  requireAccreditation?: boolean;

  /** Fail (check status) when a credentialStatus entry cannot be checked here (a list outside this network, or a mechanism this service does not know). */
  @IsOptional()
  @IsBoolean()
  requireStatus?: boolean;

  /** Fail (check schema) when a credentialSchema names a schema this region does not hold. */
  @IsOptional()
  @IsBoolean()
  requireSchema?: boolean;

  /** The option names the request carried that this service does not know (W3C VC API: reported as warnings, not refused). */
  @ApiHideProperty()
  @Allow()
  unknownOptions?: string[];
}

const KNOWN_VERIFY_OPTIONS = new Set(['clockSkewSeconds', 'challenge', 'domain', 'allowReplay', 'purpose', 'requireAccreditation', 'requireStatus', 'requireSchema']);

/**
 * The W3C VC API lets a client send verification options a verifier does not know (`checks`,
 * `expectedProofPurpose`, …): the known ones are validated, the others' names are kept aside,
 * so the global ValidationPipe (forbidNonWhitelisted) does not refuse the request.
 */
function verifyOptionsOf({ obj }: { obj: Record<string, unknown> }): unknown {
  const value = obj.options;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const known: Record<string, unknown> = {};
  const unknownOptions: string[] = [];
  for (const [key, option] of Object.entries(value)) {
    if (KNOWN_VERIFY_OPTIONS.has(key)) known[key] = option;
    else unknownOptions.push(key);
  }
  const options = plainToInstance(VerifyOptionsDto, known);
  if (unknownOptions.length > 0) options.unknownOptions = unknownOptions.slice(0, 20);
  return options;
}

const VERIFY_OPTIONS_SCHEMA = {
  required: false,
  allOf: [{ $ref: getSchemaPath(VerifyOptionsDto) }],
  additionalProperties: true,
  description: 'Known options are validated; any other option (e.g. "checks", "expectedProofPurpose") is accepted and reported as a warning `unknown-option`.',
};

export class VerifyRequestDto {
  /**
   * An EnvelopedVerifiableCredential, the bare token, or a credential with a Data Integrity proof (ldp_vc).
   * @example {"@context":["https://www.w3.org/ns/credentials/v2"],"type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,eyJ…"}
   */
  @ApiProperty({ oneOf: [{ type: 'object', additionalProperties: true }, { type: 'string' }] })
  @IsOptional()
  verifiableCredential!: Record<string, unknown> | string;

  @ApiProperty(VERIFY_OPTIONS_SCHEMA)
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Transform(verifyOptionsOf)
  options?: VerifyOptionsDto;
}

export class VerifyPresentationRequestDto {
  /**
   * An SD-JWT presentation with key binding (`<jwt>~<disclosures>~<kb-jwt>`) or a VCDM 1.1 VP JWT, bare or enveloped; or a VerifiablePresentation with a Data Integrity proof.
   * @example "eyJ…~WyJ…~eyJ…"
   */
  @ApiProperty({ oneOf: [{ type: 'object', additionalProperties: true }, { type: 'string' }] })
  @IsOptional()
  verifiablePresentation!: Record<string, unknown> | string;

  @ApiProperty(VERIFY_OPTIONS_SCHEMA)
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Transform(verifyOptionsOf)
  options?: VerifyOptionsDto;
}

export class VerificationCheckDto {
  /** @example "signature" */
  check!: string;
  /** @example "passed" */
  result!: 'passed' | 'failed' | 'skipped';
  @IsOptional()
  @IsString()
  detail?: string;
}

export class VerificationResultDto {
  verified!: boolean;
  checks!: VerificationCheckDto[];
  /** Facts worth knowing that do not make the credential invalid. */
  warnings!: VerificationCheckDto[];
  /** The failed checks. */
  errors!: VerificationCheckDto[];
  /** The verified credential content (absent when not verified). */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  credential!: Record<string, unknown> | null;
}

// The common valid bodies of the hot routes, checked without class-validator (src/common/validation.ts).
const ISSUE_KEYS = new Set(['credential', 'options']);
const ISSUE_OPTION_KEYS = new Set(['format', 'selectivelyDisclosable', 'holder', 'vct', 'status']);
const FORMATS = new Set(['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt', 'jwt_vc_json']);
const PURPOSES = new Set(['revocation', 'suspension']);
fastAccept(IssueRequestDto, (body) => {
  if (!plainObjectWith(body, ISSUE_KEYS) || !jsonObject(body.credential)) return false;
  const options = body.options;
  if (options === undefined) return true;
  if (!plainObjectWith(options, ISSUE_OPTION_KEYS)) return false;
  const { format, selectivelyDisclosable: pointers, vct, status } = options;
  return (
    (format === undefined || (typeof format === 'string' && FORMATS.has(format))) &&
    (pointers === undefined || (Array.isArray(pointers) && pointers.every((p) => typeof p === 'string'))) &&
    (vct === undefined || typeof vct === 'string') &&
    (status === undefined || (Array.isArray(status) && status.length <= 2 && new Set(status).size === status.length && status.every((p) => typeof p === 'string' && PURPOSES.has(p))))
  );
});
const VERIFY_KEYS = new Set(['verifiableCredential']);
fastAccept(VerifyRequestDto, (body) => plainObjectWith(body, VERIFY_KEYS));

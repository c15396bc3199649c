import { IsArray, IsIn, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';

export class CreateOptionsDto {
  /** Key type of the DID's signing key `#key-1`; Bls12381G2: an Ed25519 `#key-1` and a BLS12-381 G2 `#key-2` (bbs-2023 Data Integrity proofs). */
  @IsOptional()
  @IsIn(['Ed25519', 'P-256', 'P-384', 'Bls12381G2'])
  keyType?: 'Ed25519' | 'P-256' | 'P-384' | 'Bls12381G2';

  /** How the signing key is written in the document: JsonWebKey (default) or Multikey (did-jwt and Data Integrity verifiers expect it). */
  @IsOptional()
  @IsIn(['JsonWebKey', 'Multikey'])
  verificationMethodType?: 'JsonWebKey' | 'Multikey';
}

export class CreateDidRequestDto {
  @IsOptional()
  @ValidateNested()
  @Type(() => CreateOptionsDto)
  options?: CreateOptionsDto;

  /** Not used: the registrar keeps the keys (internal secret mode). */
  @IsOptional()
  @IsObject()
  secret?: Record<string, unknown>;

  /**
   * Initial document content besides the generated key: `service` entries.
   * @example {"service":[{"id":"#issuer","type":"LinkedDomains","serviceEndpoint":"https://university.example"}]}
   */
  @IsOptional()
  @IsObject()
  didDocument?: Record<string, unknown>;
}

/** A Universal Registrar request about an existing DID. */
export class DidRequestDto {
  /** @example "did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae" */
  @IsString()
  @Matches(/^did:isthmus:[a-z2-7]{24}$/, { message: 'did must be a did:isthmus DID' })
  did!: string;

  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;

  /** Not used: the registrar keeps the keys (internal secret mode). */
  @IsOptional()
  @IsObject()
  secret?: Record<string, unknown>;
}

export class UpdateDidRequestDto extends DidRequestDto {
  /**
   * One operation per document in `didDocument` (DIF Universal Registrar); default setDidDocument.
   * @example ["addToDidDocument"]
   */
  @IsOptional()
  @IsArray()
  @IsIn(['setDidDocument', 'addToDidDocument', 'removeFromDidDocument'], { each: true })
  didDocumentOperation?: ('setDidDocument' | 'addToDidDocument' | 'removeFromDidDocument')[];

  /**
   * The documents (or fragments) the operations apply; ids may be relative (`#key-2`) or absolute.
   * @example [{"service":[{"id":"#hub","type":"LinkedDomains","serviceEndpoint":"https://hub.example"}]}]
   */
  @IsArray()
  @IsObject({ each: true })
  didDocument!: Record<string, unknown>[];
}

export class DeactivateDidRequestDto extends DidRequestDto {}

export class CreateQueryDto {
  /** Only `isthmus` is registered here. */
  @IsIn(['isthmus'], { message: 'method must be isthmus' })
  method!: string;
}

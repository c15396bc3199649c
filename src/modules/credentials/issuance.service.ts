import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CompactSign } from 'jose';
import { envelope } from '../../domain/credentials/envelope.js';
import { issuerId, parseCredential, typesOf, VCDM1_CONTEXT, type Credential } from '../../domain/credentials/vcdm.js';
import { ConflictError, InvalidInputError } from '../../domain/errors.js';
import type { IssuerPrincipal } from '../auth/issuer.guard.js';
import { RegistrarService } from '../registry/registrar.service.js';
import { CredentialRecordRepository } from './credential-record.repository.js';
import type { IssueRequestDto, IssueResponseDto } from './dto/credentials.dto.js';

const IMPLEMENTED = ['vc+jwt', 'jwt_vc_json'];

/** Secures VCDM 2.0 credentials with keys the issuer's DIDs hold in this region. */
@Injectable()
export class IssuanceService {
  constructor(
    private readonly registrar: RegistrarService,
    private readonly records: CredentialRecordRepository,
  ) {}

  async issue(issuer: IssuerPrincipal, request: IssueRequestDto): Promise<IssueResponseDto> {
    const format = request.options?.format ?? 'vc+jwt';
    if (!IMPLEMENTED.includes(format)) {
      throw new InvalidInputError(`options.format ${format} is not offered yet; use ${IMPLEMENTED.join(' or ')}`, { errors: [{ pointer: '/options/format', detail: 'not offered yet' }] });
    }
    const credential = parseCredential(request.credential);
    const did = issuerId(credential);
    if (format === 'jwt_vc_json' && Array.isArray(credential.credentialSubject) && credential.credentialSubject.length > 1) {
      throw new InvalidInputError('a jwt_vc_json credential has one subject (its sub claim)', { errors: [{ pointer: '/credential/credentialSubject', detail: 'one subject only' }] });
    }
    const { kid, alg, key } = await this.registrar.assertionKey(issuer, did);
    const id = credential.id ?? `urn:uuid:${randomUUID()}`;
    if (await this.records.exists(id)) throw new ConflictError(`a credential with id ${id} was already issued here; ids are unique`);
    // iat (a NumericDate with milliseconds) records when it was signed, so verifiers resolve
    // the issuer's keys as they were then.
    const iat = Date.now() / 1000;
    const [payload, header] =
      format === 'vc+jwt'
        ? [{ ...credential, id, iat }, { alg, typ: 'vc+jwt', cty: 'vc', kid }] // W3C VC-JOSE-COSE: the payload is the credential
        : [legacyJwtClaims({ ...credential, id }, did, iat), { alg, typ: 'JWT', kid }];
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
    await this.records.insert({
      id,
      tenantId: issuer.id,
      issuerDid: did,
      types: JSON.stringify(typesOf(credential)),
      format,
      tokenHash: createHash('sha256').update(token).digest('hex'),
      statusEntries: '[]',
      createdAt: new Date().toISOString(),
    });
    return { verifiableCredential: envelope(format, token), credentialId: id };
  }
}

/**
 * The VCDM 1.1 JWT encoding, as did-jwt-vc and Veramo produce it: the credential in `vc`
 * (VCDM 1.1 context first), issuer, subject, id and dates as JWT claims.
 */
function legacyJwtClaims(credential: Credential & { id: string }, issuer: string, iat: number): Record<string, unknown> {
  const { id, issuer: _issuer, validFrom, validUntil, credentialSubject, ...rest } = credential;
  const subject = (Array.isArray(credentialSubject) ? credentialSubject[0] : credentialSubject) as Record<string, unknown>;
  const { id: subjectId, ...claims } = subject;
  const contexts = credential['@context'].slice(1);
  return {
    vc: { ...rest, '@context': [VCDM1_CONTEXT, ...contexts], credentialSubject: claims },
    iss: issuer,
    ...(typeof subjectId === 'string' ? { sub: subjectId } : {}),
    jti: id,
    nbf: Math.floor((validFrom ? Date.parse(validFrom) : iat * 1000) / 1000),
    ...(validUntil ? { exp: Math.floor(Date.parse(validUntil) / 1000) } : {}),
    iat,
  };
}

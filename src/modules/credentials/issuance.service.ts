import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CompactSign } from 'jose';
import { envelope } from '../../domain/credentials/envelope.js';
import { issuerId, parseCredential, typesOf } from '../../domain/credentials/vcdm.js';
import { ConflictError, InvalidInputError } from '../../domain/errors.js';
import type { IssuerPrincipal } from '../auth/issuer.guard.js';
import { RegistrarService } from '../registry/registrar.service.js';
import { CredentialRecordRepository } from './credential-record.repository.js';
import type { IssueRequestDto, IssueResponseDto } from './dto/credentials.dto.js';

const IMPLEMENTED = ['vc+jwt'];

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
      throw new InvalidInputError(`options.format ${format} is not offered yet; use vc+jwt`, { errors: [{ pointer: '/options/format', detail: 'not offered yet' }] });
    }
    const credential = parseCredential(request.credential);
    const did = issuerId(credential);
    const { kid, alg, key } = await this.registrar.assertionKey(issuer, did);
    const id = credential.id ?? `urn:uuid:${randomUUID()}`;
    if (await this.records.exists(id)) throw new ConflictError(`a credential with id ${id} was already issued here; ids are unique`);
    // VC-JOSE-COSE: the payload is the credential itself; iat (a NumericDate with milliseconds)
    // records when it was signed, so verifiers resolve the issuer's keys as they were then.
    const payload = { ...credential, id, iat: Date.now() / 1000 };
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg, typ: 'vc+jwt', cty: 'vc', kid }).sign(key);
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

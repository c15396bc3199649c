import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { bitTransition, purposeOf, tokenTransition, type StatusPurpose } from '../../domain/status/status-change.js';
import { TOKEN_STATUS } from '../../domain/status/token-status-list.js';
import type { IssuerPrincipal } from '../auth/issuer.guard.js';
import { StatusLists, type StatusSlot } from '../status/status-lists.js';
import type { UpdateStatusRequestDto, UpdateStatusResponseDto } from '../status/dto/status.dto.js';
import { CredentialRecordRepository } from './credential-record.repository.js';

/** A status slot as an issuance record keeps it; token slots also name the purposes asked for. */
export type RecordedSlot = StatusSlot & { readonly purposes?: StatusPurpose[] };

/** W3C VC API updateCredentialStatus: only the issuing tenant, only its own credentials. */
@Injectable()
export class CredentialStatusService {
  constructor(
    private readonly records: CredentialRecordRepository,
    private readonly lists: StatusLists,
  ) {}

  async update(issuer: IssuerPrincipal, request: UpdateStatusRequestDto): Promise<UpdateStatusResponseDto> {
    const record = await this.records.findOwned(request.credentialId, issuer.id);
    // Another tenant's credential answers exactly like an unknown one.
    if (!record) throw new NotFoundError(`no credential ${request.credentialId} was issued by your tenant in this region`);
    const slots = JSON.parse(record.statusEntries) as RecordedSlot[];
    if (slots.length === 0) throw new ConflictError(`${request.credentialId} was issued without status entries (options.status)`);
    const mechanism = slots[0]!.mechanism;
    for (const [i, change] of request.credentialStatus.entries()) {
      const asked = change.type === 'TokenStatusList' ? 'token' : 'bitstring';
      if (asked !== mechanism) {
        const expected = mechanism === 'token' ? 'TokenStatusList' : 'BitstringStatusListEntry';
        throw new InvalidInputError(`${request.credentialId} is a ${record.format} credential: its status type is ${expected}`, { errors: [{ pointer: `/credentialStatus/${i}/type`, detail: `must be ${expected}` }] });
      }
      const purpose = purposeOf(change.status);
      if (mechanism === 'token') {
        const slot = slots[0]!;
        if (!(slot.purposes ?? []).includes(purpose)) throw new ConflictError(`${request.credentialId} was issued without ${purpose} (options.status)`);
        await this.lists.change(slot, tokenTransition(change.status));
        continue;
      }
      const slot = slots.find((s) => s.purpose === purpose);
      if (!slot) throw new ConflictError(`${request.credentialId} was issued without a ${purpose} status entry (options.status)`);
      const revocation = slots.find((s) => s.purpose === 'revocation');
      const revoked = change.status !== 'revoked' && revocation !== undefined && (await this.lists.read(revocation)) === 1;
      await this.lists.change(slot, bitTransition(change.status, revoked));
    }
    return { credentialId: record.id, status: await this.state(slots), lists: await this.versions(slots) };
  }

  private async state(slots: RecordedSlot[]): Promise<{ revoked: boolean; suspended: boolean }> {
    if (slots[0]!.mechanism === 'token') {
      const value = await this.lists.read(slots[0]!);
      return { revoked: value === TOKEN_STATUS.invalid, suspended: value === TOKEN_STATUS.suspended };
    }
    const bit = async (purpose: string) => {
      const slot = slots.find((s) => s.purpose === purpose);
      return slot !== undefined && (await this.lists.read(slot)) === 1;
    };
    return { revoked: await bit('revocation'), suspended: await bit('suspension') };
  }

  private async versions(slots: RecordedSlot[]): Promise<{ url: string; purpose: string; version: number }[]> {
    return Promise.all(slots.map(async (slot) => ({ url: slot.url, purpose: slot.purpose, version: await this.lists.version(slot.listId) })));
  }
}

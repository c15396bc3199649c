import type { DIDResolutionResult } from 'did-resolver';
import type { RegistrationResultDto } from './dto/registry.dto.js';
import type { SubmittedOperation } from './registry.service.js';

/** A DIF Universal Registrar result for an operation that landed on the ledger. */
export function registrationResult(submitted: SubmittedOperation, resolved: DIDResolutionResult): RegistrationResultDto {
  return {
    jobId: null,
    didState: {
      state: 'finished',
      did: submitted.did,
      didDocument: (resolved.didDocument as Record<string, unknown> | null) ?? null,
    },
    didRegistrationMetadata: {
      operation: submitted.operation.type,
      operationHash: submitted.entry.ref,
      log: submitted.entry.log,
      index: submitted.entry.index,
      time: submitted.entry.time,
    },
    didDocumentMetadata: resolved.didDocumentMetadata as Record<string, unknown>,
  };
}

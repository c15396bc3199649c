import { ConflictError } from '../errors.js';
import { TOKEN_STATUS } from './token-status-list.js';

/** What an issuer may set (W3C VC API updateCredentialStatus). */
export const CREDENTIAL_STATUSES = ['revoked', 'suspended', 'active'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];
export const STATUS_PURPOSES = ['revocation', 'suspension'] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

/** A list slot's next value given its current one; throws a ConflictError when refused. */
export type SlotTransition = (current: number) => number;

const revokedIsFinal = (status: CredentialStatus) => new ConflictError(`the credential is revoked; revocation is final, so it cannot be ${status === 'active' ? 'reactivated' : status}`);

/** The purpose a status change needs the credential to have been issued with. */
export const purposeOf = (status: CredentialStatus): StatusPurpose => (status === 'revoked' ? 'revocation' : 'suspension');

/**
 * A 1-bit Bitstring Status List slot: a revocation bit goes to 1 and stays; a suspension bit
 * follows `suspended`/`active`, unless the credential is revoked (its other list says so).
 */
export function bitTransition(status: CredentialStatus, revoked: boolean): SlotTransition {
  if (status === 'revoked') return () => 1;
  if (revoked) throw revokedIsFinal(status);
  return () => (status === 'suspended' ? 1 : 0);
}

/**
 * A 2-bit Token Status List slot holds both purposes: 0x00 VALID, 0x01 INVALID (revoked,
 * final), 0x02 SUSPENDED.
 */
export function tokenTransition(status: CredentialStatus): SlotTransition {
  return (current) => {
    if (status === 'revoked') return TOKEN_STATUS.invalid;
    if (current === TOKEN_STATUS.invalid) throw revokedIsFinal(status);
    return status === 'suspended' ? TOKEN_STATUS.suspended : TOKEN_STATUS.valid;
  };
}

/** What a Token Status List value means to a verifier. */
export function tokenStatusMeaning(value: number): { purpose: StatusPurpose; status: 'revoked' | 'suspended' } | 'valid' | 'unknown' {
  if (value === TOKEN_STATUS.valid) return 'valid';
  if (value === TOKEN_STATUS.invalid) return { purpose: 'revocation', status: 'revoked' };
  if (value === TOKEN_STATUS.suspended) return { purpose: 'suspension', status: 'suspended' };
  return 'unknown';
}

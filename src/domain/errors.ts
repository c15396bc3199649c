/**
 * Domain errors carry a stable `code` that callers branch on; the HTTP layer maps codes to
 * problem+json statuses (src/common/problem.filter.ts). Messages are for people.
 */
export type DomainErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_OPERATION'
  | 'INVALID_SIGNATURE'
  | 'INVALID_DID'
  | 'INVALID_KEY'
  | 'INVALID_PROOF'
  | 'INVALID_CHECKPOINT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'DEACTIVATED'
  | 'METHOD_NOT_SUPPORTED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'UNAVAILABLE';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Extra, safe-to-show facts (field names, indexes); never secrets or personal data. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_INPUT', message, details);
  }
}

export class InvalidOperationError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_OPERATION', message, details);
  }
}

export class InvalidSignatureError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_SIGNATURE', message, details);
  }
}

export class InvalidDidError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_DID', message, details);
  }
}

export class InvalidKeyError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_KEY', message, details);
  }
}

export class InvalidProofError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_PROOF', message, details);
  }
}

export class InvalidCheckpointError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_CHECKPOINT', message, details);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', message, details);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, details);
  }
}

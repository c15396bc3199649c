import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { combineCredentialStatus } from './issuer-status.js';

const theirs = { id: 'https://status.example/lists/1#7', type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '7', statusListCredential: 'https://status.example/lists/1' };
const ours = { id: 'https://eu.example/status-lists/abc#3', type: 'BitstringStatusListEntry', statusPurpose: 'suspension', statusListIndex: '3', statusListCredential: 'https://eu.example/status-lists/abc' };

const errorsOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).details?.errors;
  }
  throw new Error('expected a refusal');
};

describe('combineCredentialStatus', () => {
  it('keeps the issuer entries as written, and appends ours after them', () => {
    expect(combineCredentialStatus(theirs, [])).toBe(theirs);
    expect(combineCredentialStatus(theirs, [ours])).toEqual([theirs, ours]);
    expect(combineCredentialStatus(undefined, [ours])).toEqual([ours]);
    expect(combineCredentialStatus(undefined, [])).toBeUndefined();
  });

  it('keeps an entry of a mechanism this service does not know', () => {
    const other = { id: 'https://status.example/x', type: 'ExampleStatus' };
    expect(combineCredentialStatus([other], [])).toEqual([other]);
  });

  it('refuses a malformed BitstringStatusListEntry, naming the entry', () => {
    expect(errorsOf(() => combineCredentialStatus([theirs, { ...theirs, statusListIndex: 7 }], []))).toEqual([
      { pointer: '/credential/credentialStatus/1', detail: 'statusListIndex must be a non-negative integer as a string' },
    ]);
  });

  it('refuses more entries than a verifier checks, ours included', () => {
    expect(combineCredentialStatus(Array(7).fill(theirs), [ours])).toHaveLength(8);
    expect(errorsOf(() => combineCredentialStatus(Array(7).fill(theirs), [ours, ours]))).toEqual([{ pointer: '/credential/credentialStatus', detail: 'at most 8 entries, with the 2 of options.status' }]);
  });
});

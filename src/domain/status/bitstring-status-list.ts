import { Bitstring } from '@digitalbazaar/bitstring';
import { InvalidInputError } from '../errors.js';

/** W3C Bitstring Status List v1.0: the smallest list (herd privacy), in bits. */
export const MIN_BITSTRING_LENGTH = 131_072;
export const BITSTRING_PURPOSES = ['revocation', 'suspension'] as const;
export type BitstringPurpose = (typeof BITSTRING_PURPOSES)[number];

/** `encodedList`: multibase base64url ('u') of the GZIP-compressed bitstring, index 0 leftmost. */
export async function encodeBitstring(bits: Uint8Array): Promise<string> {
  return `u${await new Bitstring({ buffer: bits }).encodeBits()}`;
}

/** The bitstring of an `encodedList`, or an InvalidInputError saying what is wrong with it. */
export async function decodeBitstring(encodedList: string): Promise<Bitstring> {
  if (!encodedList.startsWith('u')) throw new InvalidInputError('encodedList must be multibase base64url (start with "u")');
  let buffer: Uint8Array;
  try {
    buffer = await Bitstring.decodeBits({ encoded: encodedList.slice(1) });
  } catch (error) {
    throw new InvalidInputError(`encodedList does not decode: ${String((error as Error).message ?? error)}`);
  }
  if (buffer.length * 8 < MIN_BITSTRING_LENGTH) throw new InvalidInputError(`the list has ${buffer.length * 8} bits; a Bitstring Status List has at least ${MIN_BITSTRING_LENGTH}`);
  return new Bitstring({ buffer: Uint8Array.from(buffer) });
}

export interface BitstringListClaims {
  /** The URL the list is served at (also `statusListCredential` in entries). */
  readonly url: string;
  readonly issuer: string;
  readonly purpose: BitstringPurpose;
  readonly encodedList: string;
  readonly validFrom: Date;
  readonly validUntil: Date;
  /** How long a relying party may cache the list, in milliseconds (the spec's unit). */
  readonly ttlMs: number;
}

/** The BitstringStatusListCredential (VCDM 2.0) that is then secured as vc+jwt. */
export function bitstringStatusListCredential(claims: BitstringListClaims): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: claims.url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: claims.issuer,
    validFrom: claims.validFrom.toISOString(),
    validUntil: claims.validUntil.toISOString(),
    credentialSubject: { id: `${claims.url}#list`, type: 'BitstringStatusList', statusPurpose: claims.purpose, encodedList: claims.encodedList, ttl: claims.ttlMs },
  };
}

/** A BitstringStatusListEntry as a credential carries it. */
export interface BitstringEntry {
  readonly purpose: string;
  readonly index: number;
  readonly listUrl: string;
}

/** The most status entries a credential may carry (we issue at most 2: revocation and suspension). */
export const MAX_STATUS_ENTRIES = 8;

/** The `credentialStatus` entries a credential carries, or a description of what is malformed. */
export function bitstringEntries(credentialStatus: unknown): { entries: BitstringEntry[]; problems: string[]; others: string[] } {
  const list = credentialStatus === undefined ? [] : Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus];
  // Each entry costs a list lookup: a credential with thousands would be a cheap way to load the verifier.
  if (list.length > MAX_STATUS_ENTRIES) return { entries: [], problems: [`credentialStatus has ${list.length} entries; at most ${MAX_STATUS_ENTRIES} are checked`], others: [] };
  const entries: BitstringEntry[] = [];
  const problems: string[] = [];
  const others: string[] = [];
  for (const [i, raw] of list.entries()) {
    const where = `credentialStatus[${i}]`;
    if (raw === null || typeof raw !== 'object') {
      problems.push(`${where} is not an object`);
      continue;
    }
    const entry = raw as Record<string, unknown>;
    if (entry.type !== 'BitstringStatusListEntry') {
      others.push(`${where} has type ${JSON.stringify(entry.type)}`);
      continue;
    }
    const { statusPurpose, statusListIndex, statusListCredential, statusSize } = entry;
    if (typeof statusPurpose !== 'string' || statusPurpose === '') problems.push(`${where}.statusPurpose must be a string`);
    else if (typeof statusListIndex !== 'string' || !/^(0|[1-9]\d{0,14})$/.test(statusListIndex)) problems.push(`${where}.statusListIndex must be a non-negative integer as a string`);
    else if (typeof statusListCredential !== 'string' || !URL.canParse(statusListCredential)) problems.push(`${where}.statusListCredential must be a URL`);
    else if (statusSize !== undefined && statusSize !== 1) problems.push(`${where}.statusSize ${JSON.stringify(statusSize)} is not supported for ${statusPurpose}`);
    else entries.push({ purpose: statusPurpose, index: Number(statusListIndex), listUrl: statusListCredential });
  }
  return { entries, problems, others };
}

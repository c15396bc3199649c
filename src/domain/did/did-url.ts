import { InvalidDidError } from '../errors.js';

export interface ParsedDid {
  readonly did: string;
  readonly method: string;
  readonly id: string;
}

// DID Core 3.1: did:<method-name>:<method-specific-id>, idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
const DID = /^did:([a-z0-9]+):((?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*(?::(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})*)*)$/;
const ISTHMUS = /^did:isthmus:[a-z2-7]{24}$/;

export function parseDid(value: string): ParsedDid {
  const match = DID.exec(value);
  if (!match || match[2] === '' || match[2]!.endsWith(':')) throw new InvalidDidError(`"${value}" is not a DID (did:<method>:<method-specific id>)`);
  return { did: value, method: match[1]!, id: match[2]! };
}

export const isIsthmusDid = (value: string): boolean => ISTHMUS.test(value);

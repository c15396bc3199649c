import { z } from 'zod';

/** The payload of a `status-list` ledger entry: one signed version of a status list. */
export interface StatusListEntryPayload {
  /** The list id: the last segment of its URL, and the entry's ref. */
  readonly id: string;
  readonly issuer: string;
  readonly version: number;
  /** `vc+jwt` (a BitstringStatusListCredential) or `statuslist+jwt` (a status list token). */
  readonly format: 'vc+jwt' | 'statuslist+jwt';
  readonly token: string;
}

export const STATUS_LIST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const schema = z.strictObject({
  id: z.string().regex(STATUS_LIST_ID),
  issuer: z.string().startsWith('did:').max(200),
  version: z.number().int().min(1),
  format: z.enum(['vc+jwt', 'statuslist+jwt']),
  token: z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/),
});

/** The payload of a status-list entry, or undefined when it is not one. */
export function parseStatusListEntry(payload: unknown): StatusListEntryPayload | undefined {
  const parsed = schema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

/** The ref a status-list entry is stored under (its list id), or null for a malformed payload. */
export const statusListRef = (payload: unknown): string | null => parseStatusListEntry(payload)?.id ?? null;

import { InvalidInputError } from '../errors.js';

/** The document of a did:isthmus operation: relative ids (`#key-1`). */
export interface EditableDocument {
  verificationMethod?: { id: string; [k: string]: unknown }[];
  authentication?: string[];
  assertionMethod?: string[];
  service?: { id: string; [k: string]: unknown }[];
}

export type DocumentOperation = 'setDidDocument' | 'addToDidDocument' | 'removeFromDidDocument';

const FIELDS = ['verificationMethod', 'authentication', 'assertionMethod', 'service'] as const;

/** Makes `did:…#x` ids relative (`#x`), leaving other values alone. */
function relative(did: string, value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(`${did}#`) ? value.slice(did.length) : value;
  if (Array.isArray(value)) return value.map((v) => relative(did, v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'publicKeyJwk' ? v : relative(did, v)]),
    );
  }
  return value;
}

/** Methods and services are objects with a string id; relationships are references (or embedded methods). */
function checkItems(field: (typeof FIELDS)[number], items: unknown[]): void {
  items.forEach((item, i) => {
    const isReference = typeof item === 'string' && (field === 'authentication' || field === 'assertionMethod');
    const hasId = item !== null && typeof item === 'object' && !Array.isArray(item) && typeof (item as { id?: unknown }).id === 'string';
    if (!isReference && !hasId) {
      throw new InvalidInputError(`didDocument.${field}[${i}] must be ${field === 'authentication' || field === 'assertionMethod' ? 'a method id or ' : ''}an object with a string id`);
    }
  });
}

function fragment(did: string, input: Record<string, unknown>): EditableDocument {
  const unknown = Object.keys(input).filter((k) => !(FIELDS as readonly string[]).includes(k) && k !== 'id' && k !== '@context' && k !== 'controller');
  if (unknown.length > 0) {
    throw new InvalidInputError(`didDocument has properties a did:isthmus document cannot carry: ${unknown.join(', ')}`);
  }
  if (input.id !== undefined && input.id !== did) throw new InvalidInputError(`didDocument.id must be ${did}`);
  const out: EditableDocument = {};
  for (const field of FIELDS) {
    if (input[field] === undefined) continue;
    if (!Array.isArray(input[field])) throw new InvalidInputError(`didDocument.${field} must be an array`);
    checkItems(field, input[field]);
    (out as Record<string, unknown>)[field] = relative(did, input[field]);
  }
  return out;
}

const keyOf = (item: unknown): string => (typeof item === 'string' ? item : String((item as { id?: unknown }).id));

/**
 * Applies DIF Universal Registrar document operations to a did:isthmus document, in order.
 * The result is checked in full when it becomes an operation.
 */
export function editDocument(did: string, current: EditableDocument, operations: readonly DocumentOperation[], documents: readonly Record<string, unknown>[]): EditableDocument {
  if (operations.length !== documents.length) {
    throw new InvalidInputError(`didDocumentOperation has ${operations.length} entries but didDocument has ${documents.length}`);
  }
  let result: EditableDocument = structuredClone(current);
  operations.forEach((operation, i) => {
    const change = fragment(did, documents[i]!);
    if (operation === 'setDidDocument') {
      result = change;
      return;
    }
    for (const field of FIELDS) {
      const items = (change[field] ?? []) as unknown[];
      if (items.length === 0) continue;
      const existing = ((result[field] ?? []) as unknown[]).slice();
      if (operation === 'addToDidDocument') {
        for (const item of items) {
          if (existing.some((e) => keyOf(e) === keyOf(item))) throw new InvalidInputError(`${field} already has ${keyOf(item)}`);
          existing.push(item);
        }
        (result as Record<string, unknown>)[field] = existing;
      } else {
        const remove = new Set(items.map(keyOf));
        const missing = [...remove].filter((id) => !existing.some((e) => keyOf(e) === id));
        if (missing.length > 0) throw new InvalidInputError(`${field} has no ${missing.join(', ')} to remove`);
        (result as Record<string, unknown>)[field] = existing.filter((e) => !remove.has(keyOf(e)));
        // A removed method leaves no dangling reference in the relationships.
        if (field === 'verificationMethod') {
          for (const rel of ['authentication', 'assertionMethod'] as const) {
            if (result[rel]) result[rel] = result[rel]!.filter((ref) => !remove.has(ref));
          }
        }
      }
    }
  });
  return result;
}

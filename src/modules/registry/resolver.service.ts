import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Resolver, type DIDResolutionOptions, type DIDResolutionResult, type ParsedDID } from 'did-resolver';
import { DomainError } from '../../domain/errors.js';
import { didJwkDocument, didKeyDocument, foldVersions, isIsthmusDid, selectVersion, versionTimeInstant, type ChainItem, type FoldedDid } from '../../domain/did/index.js';
import type { LedgerEntryEntity } from '../ledger/ledger.entity.js';
import { LedgerIntegrity, LedgerIntegrityError } from '../ledger/ledger-integrity.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { chainItems } from './chain-items.js';
import type { Representation } from './negotiation.js';

/** Resolution failures in the vocabulary of W3C DID Resolution (docs/api.md section 3). */
export type ResolutionErrorCode = 'INVALID_DID' | 'NOT_FOUND' | 'METHOD_NOT_SUPPORTED' | 'INTERNAL_ERROR';

export interface VersionSelector {
  readonly versionId?: string;
  readonly versionTime?: string;
}

interface CachedChain {
  readonly latestIndex: number;
  readonly rows: LedgerEntryEntity[];
  readonly items: ChainItem[];
  /** The state after each operation, verified once when the chain was loaded. */
  readonly versions: FoldedDid[];
  /** The latest version: the current document. */
  readonly current: FoldedDid;
}

/** Folded chains kept in memory (the oldest cached goes first). */
const CHAIN_CACHE_LIMIT = 100_000;

/** The resolution metadata of every did:isthmus success: one shared object, so a result is known to be one. */
const RESOLVED: DIDResolutionResult['didResolutionMetadata'] = Object.freeze({ contentType: 'application/did+json' });

/** A version's answer bodies, serialized once. */
interface Bodies {
  readonly document: unknown;
  resolution?: string;
  documentJson?: string;
}

const failure = (error: ResolutionErrorCode, message: string): DIDResolutionResult => ({
  didResolutionMetadata: { error, message },
  didDocument: null,
  didDocumentMetadata: {},
});

/**
 * did-resolver drivers for did:isthmus (from this region's copy of the ledger), did:key and
 * did:jwk. Folded chains are cached per DID with the index of the DID's newest entry, checked
 * by one indexed query per resolution, so every append invalidates them on every replica.
 */
@Injectable()
export class ResolverService implements OnModuleInit {
  private readonly chains = new Map<string, CachedChain>();
  /** By the version's metadata object: a folded version and its objects are never changed once cached. */
  private readonly bodies = new WeakMap<object, Bodies>();
  readonly resolver: Resolver;

  constructor(
    private readonly repository: LedgerRepository,
    private readonly integrity: LedgerIntegrity,
    private readonly writer: LedgerWriter,
  ) {
    this.resolver = new Resolver({
      isthmus: (did, parsed, _resolver, options) => this.resolveIsthmus(parsed, options),
      key: async (did) => this.pure(() => didKeyDocument(did)),
      jwk: async (did) => this.pure(() => didJwkDocument(did)),
    });
  }

  onModuleInit(): void {
    this.writer.onAppended((rows) => {
      const byDid = new Map<string, LedgerEntryEntity[]>();
      for (const row of rows) if (row.did) byDid.set(row.did, [...(byDid.get(row.did) ?? []), row]);
      for (const [did, appended] of byDid) {
        this.chains.delete(did);
        // A DID created in this batch has no other entries (the append checked it in its
        // transaction): its chain is what this process just wrote and signed, so it is cached
        // as it is, and the registrar's answer and the first resolutions read nothing more.
        try {
          const items = chainItems(appended);
          if (items[0]?.operation.type === 'create') this.cache(did, this.build(appended, items));
        } catch {
          // not cached: the next resolution loads and checks it
        }
      }
    });
  }

  resolve(did: string, selector: VersionSelector = {}): Promise<DIDResolutionResult> {
    // A bare did:isthmus has no path, parameters, query or fragment: did-resolver's DID URL parse would add nothing.
    if (isIsthmusDid(did)) return this.resolveIsthmus({ did, didUrl: did, method: 'isthmus', id: did.slice('did:isthmus:'.length) }, { ...selector });
    return this.resolver.resolve(did, { ...selector });
  }

  /**
   * The JSON of a successful result in a representation: the whole result with its `@context`,
   * or the document alone. A did:isthmus version's bodies are serialized once and kept with the
   * cached chain's objects (a resolution is mostly that serialization otherwise).
   */
  body(result: DIDResolutionResult, representation: Representation): string {
    const bodies = this.bodiesOf(result);
    if (representation === 'resolution') return (bodies.resolution ??= JSON.stringify({ '@context': 'https://w3id.org/did-resolution/v1', ...result }));
    return (bodies.documentJson ??= JSON.stringify(result.didDocument));
  }

  private bodiesOf(result: DIDResolutionResult): Bodies {
    if (result.didResolutionMetadata !== RESOLVED) return { document: result.didDocument };
    let bodies = this.bodies.get(result.didDocumentMetadata);
    if (bodies?.document !== result.didDocument) this.bodies.set(result.didDocumentMetadata, (bodies = { document: result.didDocument }));
    return bodies;
  }

  /** The stored, integrity-checked operations of a DID (for its log endpoint). */
  async chain(did: string): Promise<CachedChain | undefined> {
    return this.load(did);
  }

  private async resolveIsthmus(parsed: ParsedDID, options: DIDResolutionOptions): Promise<DIDResolutionResult> {
    if (!isIsthmusDid(parsed.did)) return failure('INVALID_DID', `${parsed.did} is not a did:isthmus identifier (24 characters of a-z and 2-7)`);
    const versionId = (options.versionId as string | undefined) ?? parsed.params?.versionId;
    const versionTime = (options.versionTime as string | undefined) ?? parsed.params?.versionTime;
    try {
      const chain = await this.load(parsed.did);
      if (!chain) return failure('NOT_FOUND', `${parsed.did} is not registered`);
      const folded =
        versionId === undefined && versionTime === undefined
          ? chain.current
          : selectVersion(chain.versions, chain.items, {
              ...(versionId !== undefined ? { versionId: Number.parseInt(versionId, 10) } : {}),
              ...(versionTime !== undefined ? { versionTime: versionTimeInstant(versionTime) } : {}),
            });
      return {
        didResolutionMetadata: RESOLVED,
        didDocument: folded.document as DIDResolutionResult['didDocument'],
        didDocumentMetadata: folded.metadata,
      };
    } catch (error) {
      if (error instanceof LedgerIntegrityError) return failure('INTERNAL_ERROR', error.message);
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return failure('NOT_FOUND', error.message);
      if (error instanceof DomainError && error.code === 'INVALID_INPUT') return failure('INVALID_DID', error.message);
      if (error instanceof DomainError) {
        return failure('INTERNAL_ERROR', `the stored operation chain of ${parsed.did} does not verify: ${error.message}`);
      }
      throw error;
    }
  }

  private async load(did: string): Promise<CachedChain | undefined> {
    const latest = (await this.repository.latestDidIndexes([did])).get(did);
    if (latest === undefined) return undefined;
    const cached = this.chains.get(did);
    if (cached && cached.latestIndex === latest) return cached;
    const rows = await this.repository.didEntries(did);
    await this.integrity.checkEntries(rows);
    const chain = this.build(rows, chainItems(rows));
    this.cache(did, chain);
    return chain;
  }

  private cache(did: string, chain: CachedChain): void {
    if (this.chains.size >= CHAIN_CACHE_LIMIT) this.chains.delete(this.chains.keys().next().value!);
    this.chains.set(did, chain);
  }

  private build(rows: LedgerEntryEntity[], items: ChainItem[]): CachedChain {
    const versions = foldVersions(items);
    return { latestIndex: rows.at(-1)!.index, rows, items, versions, current: selectVersion(versions, items) };
  }

  private pure(build: () => Record<string, unknown>): DIDResolutionResult {
    try {
      return { didResolutionMetadata: { contentType: 'application/did+json' }, didDocument: build() as DIDResolutionResult['didDocument'], didDocumentMetadata: {} };
    } catch (error) {
      if (error instanceof DomainError) return failure('INVALID_DID', error.message);
      throw error;
    }
  }
}

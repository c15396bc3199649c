import { Injectable } from '@nestjs/common';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { consistencyProof, inclusionProof, rootHash, SubtreeMemo } from '../../domain/ledger/index.js';
import { NetworkService } from '../network/network.service.js';
import type { ConsistencyProofDto, EntriesPageDto, InclusionProofDto, LedgerKeysDto } from './dto/ledger.dto.js';
import { LedgerRepository } from './ledger.repository.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Public reads of the ledger in the shapes of docs/api.md section 4. */
@Injectable()
export class LedgerService {
  /** Leaf hashes per log: the log is append-only, so the cache only ever grows. */
  private readonly leaves = new Map<string, Uint8Array[]>();
  private readonly memos = new Map<string, SubtreeMemo>();

  constructor(
    private readonly repository: LedgerRepository,
    private readonly network: NetworkService,
  ) {}

  keys(): LedgerKeysDto {
    return {
      network: this.network.genesis.network,
      regions: this.network.genesis.regions.map((r) => ({
        id: r.id,
        url: r.url,
        logKey: r.logKey.encoded,
        cosignerKey: r.cosignerKey.encoded,
        governanceKey: r.governanceKey.encoded,
      })),
    };
  }

  async checkpoint(region: string): Promise<string> {
    this.knownRegion(region);
    const checkpoint = await this.repository.latestCheckpoint(region);
    if (!checkpoint) throw new NotFoundError(`this region holds no checkpoint of log "${region}" yet`);
    return checkpoint.note;
  }

  async entries(region: string, start: number, limit: number): Promise<EntriesPageDto> {
    this.knownRegion(region);
    const rows = await this.repository.entries(region, start, limit + 1);
    const page = rows.slice(0, limit);
    return {
      entries: page.map((row) => ({ index: row.index, leafHash: row.leafHash, entry: JSON.parse(row.entry) as Record<string, unknown> })),
      next: rows.length > limit ? start + limit : null,
    };
  }

  async inclusion(region: string, index: number, size?: number): Promise<InclusionProofDto> {
    const treeSize = size ?? (await this.checkpointSize(region));
    if (index >= treeSize) throw new InvalidInputError(`index ${index} is not below the tree size ${treeSize}`, { errors: [{ pointer: '/index', detail: 'must be below size' }] });
    const leaves = await this.leafHashes(region, treeSize);
    const root = await this.rootAt(region, treeSize);
    return {
      index,
      size: treeSize,
      leafHash: b64(leaves[index]!),
      rootHash: root,
      proof: inclusionProof(leaves, index, treeSize, this.memoOf(region)).map(b64),
    };
  }

  async consistency(region: string, from: number, to: number): Promise<ConsistencyProofDto> {
    if (from > to) throw new InvalidInputError(`from (${from}) must not exceed to (${to})`, { errors: [{ pointer: '/from', detail: 'must not exceed to' }] });
    const leaves = await this.leafHashes(region, to);
    return { from, to, proof: from === 0 || from === to ? [] : consistencyProof(leaves, from, to, this.memoOf(region)).map(b64) };
  }

  /** Root of the tree of the given size, from the entry row that ends it. */
  async rootAt(region: string, size: number): Promise<string> {
    if (size === 0) return b64(rootHash([]));
    const row = await this.repository.entry(region, size - 1);
    if (!row) throw new NotFoundError(`log "${region}" has fewer than ${size} entries here`);
    return row.rootHash;
  }

  private async checkpointSize(region: string): Promise<number> {
    this.knownRegion(region);
    const checkpoint = await this.repository.latestCheckpoint(region);
    if (!checkpoint || checkpoint.size === 0) throw new NotFoundError(`log "${region}" has no entries here yet`);
    return checkpoint.size;
  }

  /**
   * The leaf hashes of the first `size` entries or more (a read-only view of the cache, not a
   * copy: callers index it and pass `size` on; copying it per call would cost O(log size)).
   */
  async leafHashes(region: string, size: number): Promise<readonly Uint8Array[]> {
    this.knownRegion(region);
    const cached = this.leaves.get(region) ?? [];
    this.leaves.set(region, cached);
    if (cached.length < size) {
      const start = cached.length;
      const more = await this.repository.leafHashes(region, start, size);
      // A concurrent caller may have extended the cache meanwhile: add only what is still missing.
      cached.push(...more.slice(cached.length - start).map((h) => new Uint8Array(Buffer.from(h, 'base64'))));
    }
    if (cached.length < size) throw new NotFoundError(`log "${region}" has ${cached.length} entries here, fewer than ${size}`);
    return cached;
  }

  /** The complete-subtree hashes of a log, kept across proofs (they never change). */
  private memoOf(region: string): SubtreeMemo {
    let memo = this.memos.get(region);
    if (!memo) this.memos.set(region, (memo = new SubtreeMemo()));
    return memo;
  }

  private knownRegion(region: string): void {
    if (!this.network.region(region)) throw new NotFoundError(`no region "${region}" in this network's genesis`);
  }
}

import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { Bitstring } from '@digitalbazaar/bitstring';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.module.js';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { bitstringStatusListCredential, encodeBitstring, MIN_BITSTRING_LENGTH, type BitstringPurpose } from '../../domain/status/bitstring-status-list.js';
import { signCompactJws, type JoseAlgorithm } from '../../domain/keys/ecdsa.js';
import { IndexPermutation } from '../../domain/status/index-permutation.js';
import type { StatusListEntryPayload } from '../../domain/status/status-list-entry.js';
import type { SlotTransition } from '../../domain/status/status-change.js';
import { TokenStatusList } from '../../domain/status/token-status-list.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { NetworkService } from '../network/network.service.js';
import { RegistrarService } from '../registry/registrar.service.js';
import type { StatusListEntity } from './status-list.entity.js';
import { StatusListRepository } from './status-list.repository.js';

export type StatusMechanism = 'bitstring' | 'token';
/** Token lists hold both purposes in 2 bits per credential (0 valid, 1 revoked, 2 suspended). */
export const TOKEN_LIST_PURPOSE = 'revocation+suspension';
export type ListPurpose = BitstringPurpose | typeof TOKEN_LIST_PURPOSE;

/** Where a credential's status lives: what issuance records and credentials point at. */
export interface StatusSlot {
  readonly mechanism: StatusMechanism;
  readonly purpose: ListPurpose;
  readonly listId: string;
  readonly index: number;
  readonly url: string;
}

/** Entries per list: the Bitstring Status List minimum, for both mechanisms. */
export const LIST_SIZE = MIN_BITSTRING_LENGTH;
/** Positions a process reserves at once; LIST_SIZE is a multiple of it, so lists fill exactly. */
const BLOCK = 32;

interface Block {
  readonly listId: string;
  readonly url: string;
  readonly permutation: IndexPermutation;
  next: number;
  readonly end: number;
}

interface PendingChange {
  readonly index: number;
  readonly next: SlotTransition;
  readonly resolve: (changed: boolean) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingPublication {
  changes: PendingChange[];
  /** 'always': publish even without changes (a new list); 'if-stale': only if no one re-signed it since. */
  refresh: 'always' | 'if-stale' | undefined;
  readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

class NothingToPublish extends Error {}

/** The bits of a list as its mechanism reads them: a 1-bit bitstring or a 2-bit token list. */
function slotsOf(row: Pick<StatusListEntity, 'mechanism' | 'bits' | 'bitsPerStatus'>): { get(i: number): number; set(i: number, v: number): void; bytes(): Uint8Array } {
  const bytes = Buffer.from(row.bits, 'base64');
  if (row.mechanism === 'bitstring') {
    const bits = new Bitstring({ buffer: Uint8Array.from(bytes) });
    return { get: (i) => (bits.get(i) ? 1 : 0), set: (i, v) => bits.set(i, v === 1), bytes: () => bits.bits };
  }
  const list = TokenStatusList.fromBytes(bytes, row.bitsPerStatus as 2);
  return { get: (i) => list.get(i), set: (i, v) => list.set(i, v), bytes: () => list.toBytes() };
}

/**
 * The status lists this region's issuers own: index allocation (a keyed random permutation per
 * list, reserved in blocks), and publication. Changes to one list that arrive together are
 * applied in one new version, signed with the issuer's key and appended to this region's log in
 * the same transaction that stores the new bits, so a crash loses neither.
 */
@Injectable()
export class StatusLists {
  private readonly blocks = new Map<string, Block>();
  private readonly reserving = new Map<string, Promise<Block>>();
  private readonly pending = new Map<string, PendingPublication>();
  private readonly draining = new Set<string>();
  private readonly permutations = new Map<string, IndexPermutation>();

  constructor(
    private readonly repository: StatusListRepository,
    private readonly writer: LedgerWriter,
    private readonly registrar: RegistrarService,
    private readonly network: NetworkService,
    @Inject(REGION_CONFIG) private readonly config: RegionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The URL a list is served at, in the region that publishes it. */
  urlOf(listId: string): string {
    return `${this.network.self.url.replace(/\/$/, '')}/status-lists/${listId}`;
  }

  /** A fresh, never-used position in one of the issuer's lists for this mechanism and purpose. */
  async allocate(tenantId: string, issuerDid: string, mechanism: StatusMechanism, purpose: ListPurpose): Promise<StatusSlot> {
    const key = `${issuerDid}|${mechanism}|${purpose}`;
    for (;;) {
      const block = this.blocks.get(key);
      if (block && block.next < block.end) {
        const counter = block.next++;
        return { mechanism, purpose, listId: block.listId, index: block.permutation.at(counter), url: block.url };
      }
      let reserving = this.reserving.get(key);
      if (!reserving) {
        reserving = this.reserveBlock(tenantId, issuerDid, mechanism, purpose).finally(() => this.reserving.delete(key));
        this.reserving.set(key, reserving);
      }
      this.blocks.set(key, await reserving);
    }
  }

  private async reserveBlock(tenantId: string, issuerDid: string, mechanism: StatusMechanism, purpose: ListPurpose): Promise<Block> {
    for (;;) {
      const list = (await this.repository.openList(issuerDid, mechanism, purpose)) ?? (await this.openList(tenantId, issuerDid, mechanism, purpose));
      const start = await this.repository.reserve(list.id, BLOCK);
      if (start === undefined) continue; // full: the next round opens or finds another list
      let permutation = this.permutations.get(list.id);
      if (!permutation) {
        permutation = new IndexPermutation(Buffer.from(list.permutationKey, 'hex'), list.size);
        this.permutations.set(list.id, permutation);
      }
      return { listId: list.id, url: this.urlOf(list.id), permutation, next: start, end: start + BLOCK };
    }
  }

  /** A new, empty list, published (version 1) before any credential points at it. */
  private async openList(tenantId: string, issuerDid: string, mechanism: StatusMechanism, purpose: ListPurpose): Promise<StatusListEntity> {
    const bitsPerStatus = mechanism === 'bitstring' ? 1 : 2;
    const row: StatusListEntity = {
      id: randomUUID(),
      issuerDid,
      tenantId,
      mechanism,
      purpose,
      size: LIST_SIZE,
      bitsPerStatus,
      permutationKey: randomBytes(32).toString('hex'),
      allocated: 0,
      bits: Buffer.alloc((LIST_SIZE * bitsPerStatus) / 8).toString('base64'),
      version: 0,
      validUntil: '',
      createdAt: new Date().toISOString(),
    };
    await this.repository.insert(row);
    await this.republish(row.id, 'always');
    this.logger.info({ list: row.id, issuer: issuerDid, mechanism, purpose }, 'status list opened');
    return { ...row, version: 1 };
  }

  /** The current value of a slot, as last published. */
  async read(slot: Pick<StatusSlot, 'listId' | 'index'>): Promise<number> {
    const row = await this.repository.get(slot.listId);
    if (!row) throw new Error(`status list ${slot.listId} is missing`);
    return slotsOf(row).get(slot.index);
  }

  /** The latest published version of a list. */
  async version(listId: string): Promise<number> {
    return (await this.repository.get(listId))?.version ?? 0;
  }

  /**
   * Applies a transition to a slot in the next published version of its list. Resolves with
   * whether the value changed (false: it already was so); rejects with the transition's error.
   */
  change(slot: Pick<StatusSlot, 'listId' | 'index'>, next: SlotTransition): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.enqueue(slot.listId).changes.push({ index: slot.index, next, resolve, reject });
      void this.drain(slot.listId);
    });
  }

  /** Re-signs a list: 'always' (first version), or 'if-stale' (validity half gone, unless another replica did it). */
  republish(listId: string, refresh: 'always' | 'if-stale'): Promise<void> {
    return new Promise((resolve, reject) => {
      const pending = this.enqueue(listId);
      pending.refresh = pending.refresh === 'always' ? 'always' : refresh;
      pending.waiters.push({ resolve, reject });
      void this.drain(listId);
    });
  }

  private enqueue(listId: string): PendingPublication {
    let pending = this.pending.get(listId);
    if (!pending) {
      pending = { changes: [], refresh: undefined, waiters: [] };
      this.pending.set(listId, pending);
    }
    return pending;
  }

  private async drain(listId: string): Promise<void> {
    if (this.draining.has(listId)) return;
    this.draining.add(listId);
    try {
      for (let batch = this.pending.get(listId); batch; batch = this.pending.get(listId)) {
        this.pending.delete(listId);
        await this.publish(listId, batch);
      }
    } finally {
      this.draining.delete(listId);
    }
  }

  private async publish(listId: string, batch: PendingPublication): Promise<void> {
    let outcomes: ({ changed: boolean } | { error: unknown })[] = [];
    const fail = (error: unknown) => {
      for (const change of batch.changes) change.reject(error);
      for (const waiter of batch.waiters) waiter.reject(error);
    };
    try {
      const list = await this.repository.get(listId);
      if (!list) throw new Error(`status list ${listId} is missing`);
      const signer = await this.registrar.assertionKey({ id: list.tenantId, name: '' }, list.issuerDid);
      await this.writer.append({
        kind: 'status-list',
        prepare: async (view) => {
          const current = (await this.repository.get(listId, view.tx))!;
          const slots = slotsOf(current);
          let changed = false;
          outcomes = batch.changes.map((change) => {
            try {
              const before = slots.get(change.index);
              const after = change.next(before);
              if (after !== before) slots.set(change.index, after);
              changed ||= after !== before;
              return { changed: after !== before };
            } catch (error) {
              return { error };
            }
          });
          const now = new Date();
          const stale = current.validUntil === '' || Date.parse(current.validUntil) - now.getTime() < (this.config.statusListValiditySeconds * 1000) / 2;
          if (!changed && !(batch.refresh === 'always' || (batch.refresh === 'if-stale' && stale))) throw new NothingToPublish();
          const version = current.version + 1;
          const validUntil = new Date(now.getTime() + this.config.statusListValiditySeconds * 1000);
          const bytes = slots.bytes();
          const token = await this.sign(current, signer, bytes, now, validUntil);
          await this.repository.savePublished(view.tx, listId, { bits: Buffer.from(bytes).toString('base64'), version, validUntil: validUntil.toISOString() });
          const payload: StatusListEntryPayload = { id: listId, issuer: current.issuerDid, version, format: current.mechanism === 'bitstring' ? 'vc+jwt' : 'statuslist+jwt', token };
          return { ref: listId, payload: { ...payload } };
        },
      });
    } catch (error) {
      if (!(error instanceof NothingToPublish)) {
        this.logger.warn({ err: error, list: listId }, 'status list publication failed');
        fail(error);
        return;
      }
    }
    for (const [i, change] of batch.changes.entries()) {
      const outcome = outcomes[i]!;
      if ('error' in outcome) change.reject(outcome.error);
      else change.resolve(outcome.changed);
    }
    for (const waiter of batch.waiters) waiter.resolve();
  }

  private async sign(list: StatusListEntity, signer: { kid: string; alg: JoseAlgorithm; key: KeyObject }, bytes: Uint8Array, now: Date, validUntil: Date): Promise<string> {
    const url = this.urlOf(list.id);
    // iat with milliseconds, as for credentials (informative: the list's ledger entry is what dates it).
    const iat = now.getTime() / 1000;
    const [header, payload] =
      list.mechanism === 'bitstring'
        ? [
            { alg: signer.alg, typ: 'vc+jwt', cty: 'vc', kid: signer.kid },
            {
              ...bitstringStatusListCredential({
                url,
                issuer: list.issuerDid,
                purpose: list.purpose as BitstringPurpose,
                encodedList: await encodeBitstring(bytes),
                validFrom: now,
                validUntil,
                ttlMs: this.config.statusListTtlSeconds * 1000,
              }),
              iat,
            },
          ]
        : [
            { alg: signer.alg, typ: 'statuslist+jwt', kid: signer.kid },
            { sub: url, iss: list.issuerDid, iat, exp: Math.floor(validUntil.getTime() / 1000), ttl: this.config.statusListTtlSeconds, status_list: TokenStatusList.fromBytes(bytes, 2).encode() },
          ];
    return signCompactJws(header, JSON.stringify(payload), signer.key);
  }

  /** Re-signs every list whose validity is half gone (called on a timer). */
  async refreshExpiring(): Promise<number> {
    const horizon = new Date(Date.now() + (this.config.statusListValiditySeconds * 1000) / 2).toISOString();
    const lists = await this.repository.expiringBefore(horizon);
    let refreshed = 0;
    for (const list of lists) {
      try {
        await this.republish(list.id, 'if-stale');
        refreshed++;
      } catch (error) {
        this.logger.warn({ err: error, list: list.id }, 'status list could not be re-signed');
      }
    }
    return refreshed;
  }
}

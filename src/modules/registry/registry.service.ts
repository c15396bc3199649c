import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, InvalidOperationError } from '../../domain/errors.js';
import { deriveDid, foldChain, operationHash, parseOperation, validateNextOperation, type DidOperation } from '../../domain/did/index.js';
import type { LedgerEntryEntity } from '../ledger/ledger.entity.js';
import { LedgerWriter, type BatchView } from '../ledger/ledger-writer.js';
import { NetworkService } from '../network/network.service.js';
import { chainItems, rememberOperation } from './chain-items.js';

/** A write that must land with the operation's entry or not at all (the registrar's record of the DID). */
export type WriteWithEntry = (tx: EntityManager, did: string) => Promise<void>;

export interface SubmittedOperation {
  readonly did: string;
  readonly operation: DidOperation;
  readonly entry: LedgerEntryEntity;
}

/**
 * Accepts signed DID operations for DIDs homed in this region: every rule of docs/did-method.md
 * is checked against the DID's chain inside the append transaction, so two racing updates
 * with the same `prev` cannot both land.
 */
@Injectable()
export class RegistryService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly network: NetworkService,
  ) {}

  /** The region that must append this (parsed) operation: this one, or the DID's home to forward to. */
  homeOf(operation: DidOperation): string {
    if (!this.network.region(operation.home)) {
      throw new InvalidOperationError(`home region "${operation.home}" is not a region of this network`);
    }
    return operation.home;
  }

  /** Checks and appends an operation given as JSON (parsed and validated here). */
  submitJson(input: unknown, withEntry?: WriteWithEntry): Promise<SubmittedOperation> {
    return this.submit(parseOperation(input), withEntry);
  }

  /** `withEntry` runs in the append transaction once the operation is accepted: both commit or neither. */
  async submit(operation: DidOperation, withEntry?: WriteWithEntry): Promise<SubmittedOperation> {
    if (operation.home !== this.writer.log) {
      throw new InvalidOperationError(`this is region "${this.writer.log}"; operations of DIDs homed in "${operation.home}" go to that region`);
    }
    const ref = operationHash(operation);
    const created = operation.type === 'create' ? deriveDid(operation) : undefined;
    const entry = await this.writer.append({
      kind: 'did-op',
      ...(created ? { did: created } : {}),
      prepare: async (view) => {
        const did = await this.checkAgainstChain(view, operation, created);
        // Last, after every check: a refusal above leaves nothing of this request in the transaction.
        if (withEntry) await withEntry(view.tx, did);
        return { did, ref, payload: { did, operation } };
      },
      written: (row) => rememberOperation(row, operation),
    });
    return { did: entry.did!, operation, entry };
  }

  private async checkAgainstChain(view: BatchView, operation: DidOperation, created: string | undefined): Promise<string> {
    let did = created;
    if (did === undefined) {
      const previous = await view.entryByRef(operation.prev!);
      if (!previous?.did) {
        throw new InvalidOperationError(`prev ${operation.prev} names no operation in the log of region "${this.writer.log}"`);
      }
      did = previous.did;
    }
    const chain = await view.didEntries(did);
    if (operation.type === 'create') {
      if (chain.length > 0) throw new ConflictError(`${did} already exists`);
      validateNextOperation(null, operation);
      return did;
    }
    const state = foldChain(chainItems(chain));
    if (state.lastOperationHash !== operation.prev) {
      throw new ConflictError(`prev must be the hash of the latest operation of ${did} (${state.lastOperationHash}); this one builds on an older version`);
    }
    validateNextOperation(state, operation);
    return did;
  }
}

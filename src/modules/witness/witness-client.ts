import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { readBoundedBody } from '../../common/bounded-body.js';
import { LOGGER } from '../../common/logger.module.js';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';
import { appendSignatures, parseCheckpoint, parseNote, verifyCosignature } from '../../domain/ledger/index.js';
import { MAX_ADD_CHECKPOINT_BYTES } from '../../domain/ledger/witness.js';
import type { GenesisWitness } from '../../domain/network/genesis.js';
import { clip, MAX_DETAIL } from '../../domain/replication/bounds.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { NetworkService } from '../network/network.service.js';
import { WitnessRepository } from './witness.repository.js';

/** A witness's answer is a few signature lines: more is not read. */
const MAX_ANSWER_BYTES = MAX_ADD_CHECKPOINT_BYTES;

/** What this region knows of each witness, for /ledger/status and logs. */
export interface WitnessProgress {
  /** The size the witness says it cosigned last (0 until it answers). */
  size: number;
  lastError: string | null;
}

/**
 * Submits each new checkpoint of this region's log to the witnesses the genesis names (C2SP
 * tlog-witness add-checkpoint, with a consistency proof from the size the witness holds) and
 * appends their verified cosignatures to the checkpoint this region serves. Runs after appends
 * and on the replication timer; a checkpoint that already carries a witness's cosignature is not
 * sent again, so a lost update only costs one more request.
 */
@Injectable()
export class WitnessClient implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly witnesses: readonly GenesisWitness[];
  readonly progress = new Map<string, WitnessProgress>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(REGION_CONFIG) private readonly config: RegionConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly network: NetworkService,
    private readonly ledger: LedgerRepository,
    private readonly proofs: LedgerService,
    private readonly writer: LedgerWriter,
    private readonly repository: WitnessRepository,
  ) {
    this.witnesses = network.genesis.witnesses;
    for (const w of this.witnesses) this.progress.set(w.name, { size: 0, lastError: null });
  }

  onApplicationBootstrap(): void {
    if (this.witnesses.length === 0) return;
    this.writer.onAppended(() => this.kick());
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else if (!this.stopped) this.timer = setTimeout(() => this.kick(), this.config.replicationIntervalMs);
    });
  }

  /** One pass over the witnesses with the latest checkpoint of this region's log. */
  async round(): Promise<void> {
    const self = this.network.self.id;
    const latest = await this.ledger.latestCheckpoint(self);
    if (!latest) return;
    for (const witness of this.witnesses) {
      const progress = this.progress.get(witness.name)!;
      try {
        if (this.cosigned(latest.note, witness)) continue;
        const line = await this.submit(witness, progress, latest.note);
        if (line) {
          await this.repository.appendCosignatures(self, latest.size, [line]);
          progress.size = latest.size;
        }
        progress.lastError = null;
      } catch (error) {
        progress.lastError = clip(error instanceof Error ? error.message : String(error), MAX_DETAIL);
        this.log.warn({ witness: witness.name, error: progress.lastError }, 'witness did not cosign');
      }
    }
  }

  private cosigned(note: string, witness: GenesisWitness): boolean {
    try {
      return verifyCosignature(note, witness.key) !== undefined;
    } catch {
      return false;
    }
  }

  /** POSTs add-checkpoint; after a 409 once more from the size the witness holds. The witness's verified line, or undefined. */
  private async submit(witness: GenesisWitness, progress: WitnessProgress, note: string): Promise<string | undefined> {
    const { size } = parseCheckpoint(parseNote(note).text);
    for (let attempt = 0; attempt < 2; attempt++) {
      const old = progress.size;
      if (old > size) throw new Error(`witness ${witness.name} holds size ${old}, beyond this log's checkpoint ${size}`);
      const proof = old === 0 || old === size ? [] : (await this.proofs.consistency(this.network.self.id, old, size)).proof;
      const body = `old ${old}\n${proof.map((h) => `${h}\n`).join('')}\n${note}`;
      const response = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body, redirect: 'manual', signal: AbortSignal.timeout(this.config.peerTimeoutMs) });
      const text = (await readBoundedBody(response, MAX_ANSWER_BYTES, () => new Error(`witness ${witness.name} answered more than ${MAX_ANSWER_BYTES} bytes`))).toString('utf8');
      if (response.status === 409 && /^text\/x\.tlog\.size\b/.test(response.headers.get('content-type') ?? '') && /^(0|[1-9][0-9]*)\n$/.test(text)) {
        progress.size = Number(text.trim());
        continue;
      }
      if (response.status !== 200) throw new Error(`witness ${witness.name} answered ${response.status}: ${clip(text, 200)}`);
      // Only lines of this witness's key that verify over our checkpoint are kept.
      const mine = text.split('\n').filter((line) => line.startsWith(`\u2014 ${witness.name} `));
      for (const line of mine) if (this.cosigned(appendSignatures(note, [line]), witness)) return line;
      throw new Error(`witness ${witness.name} answered no valid cosignature`);
    }
    throw new Error(`witness ${witness.name} keeps answering 409 (it holds size ${progress.size})`);
  }
}

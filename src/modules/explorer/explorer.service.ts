import { Injectable } from '@nestjs/common';
import type { DIDResolutionResult } from 'did-resolver';
import { bucketLength, entriesChart } from '../../domain/explorer/chart.js';
import { checkConsistency, checkpointView, inclusionVerified, type CheckpointView, type ConsistencyResult } from '../../domain/explorer/checkpoint-view.js';
import { didTimeline, type TimelineStep } from '../../domain/explorer/did-timeline.js';
import type { Html } from '../../domain/explorer/html.js';
import { summarizeStatusList, type StatusListSummary } from '../../domain/explorer/status-summary.js';
import { isIsthmusDid, parseDid } from '../../domain/did/index.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { parseStatusListEntry, STATUS_LIST_ID } from '../../domain/status/status-list-entry.js';
import type { RegionPolicy } from '../../domain/policy/policy.js';
import { parseTrustEntry, type Withdrawal } from '../../domain/trust/trust-entry.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { NetworkService } from '../network/network.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { ResolverService } from '../registry/resolver.service.js';
import type { LedgerStatusDto } from '../replication/dto/status.dto.js';
import { ReplicationStatusService } from '../replication/replication-status.service.js';
import type { AccreditationDto } from '../trust/dto/trust.dto.js';
import { TrustService } from '../trust/trust.service.js';
import { ExplorerRepository } from './explorer.repository.js';

/** How many of each log's newest entries the home page lists. */
const NEWEST = 10;

/** An entry as a list shows it: where, when, what kind, and for a DID operation its DID. */
export interface EntryLine {
  readonly log: string;
  readonly index: number;
  readonly time: string;
  readonly kind: string;
  readonly did: string | null;
  readonly ref: string | null;
}

export interface LogOverview {
  readonly log: string;
  readonly url: string;
  readonly checkpoint: (CheckpointView & { readonly createdAt: string }) | null;
  readonly newest: readonly EntryLine[];
}

export interface HomeView {
  readonly region: string;
  readonly network: string;
  readonly status: LedgerStatusDto;
  readonly logs: readonly LogOverview[];
  readonly chart: Html;
}

export interface DidView {
  readonly did: string;
  readonly resolution: DIDResolutionResult;
  /** did:isthmus only: the operations, each with its inclusion proof checked against the log's latest checkpoint. */
  readonly timeline: readonly (TimelineStep & { readonly inclusion: 'verified' | 'failed' | 'pending' })[] | null;
}

export interface EntryView {
  readonly line: EntryLine;
  /** How many entries of the log this region holds (for the link to the next one). */
  readonly logSize: number;
  readonly leafHash: string;
  readonly entry: Record<string, unknown>;
  readonly inclusion: { readonly size: number; readonly rootHash: string; readonly proof: readonly string[]; readonly verified: boolean } | null;
}

export interface CheckpointPage {
  readonly log: string;
  readonly view: CheckpointView;
  readonly note: string;
  readonly createdAt: string;
  readonly latestSize: number;
  /** The size of the stored checkpoint before this one, if any. */
  readonly previousSize: number | null;
  readonly consistency: ConsistencyResult | null;
}

export interface TrustView {
  readonly accreditations: readonly AccreditationDto[];
  /** Each withdrawal with the issuer of the accreditation it withdrew (from the ledger). */
  readonly withdrawals: readonly (Withdrawal & { readonly log: string; readonly index: number; readonly issuer: string | null })[];
}

const lineOf = (row: { log: string; index: number; time: string; kind: string; did: string | null; ref: string | null }): EntryLine => ({ log: row.log, index: row.index, time: row.time, kind: row.kind, did: row.did, ref: row.ref });

/**
 * Gathers what the explorer pages show from the services behind the JSON API (ledger, resolver,
 * replication status, status lists, trust list, policy): the pages show what the API shows,
 * never more (no tenant, no API key, no claim value, no status list index).
 */
@Injectable()
export class ExplorerService {
  constructor(
    private readonly network: NetworkService,
    private readonly ledger: LedgerService,
    private readonly entries: LedgerRepository,
    private readonly repository: ExplorerRepository,
    private readonly resolver: ResolverService,
    private readonly replication: ReplicationStatusService,
    private readonly trustList: TrustService,
    private readonly policies: PolicyService,
  ) {}

  get region(): string {
    return this.network.self.id;
  }

  get regions(): readonly string[] {
    return this.network.genesis.regions.map((r) => r.id);
  }

  get policy(): RegionPolicy {
    return this.policies.policy;
  }

  async home(): Promise<HomeView> {
    const status = await this.replication.status();
    const logs: LogOverview[] = [];
    for (const region of this.network.genesis.regions) {
      const latest = await this.entries.latestCheckpoint(region.id);
      logs.push({
        log: region.id,
        url: region.url,
        checkpoint: latest ? { ...checkpointView(latest.note, region.id, this.network.genesis.regions), createdAt: latest.createdAt } : null,
        newest: (await this.repository.newestEntries(region.id, NEWEST)).map(lineOf),
      });
    }
    const span = await this.repository.timeSpan();
    const chart = entriesChart(await this.repository.entriesPerBucket(bucketLength(span.first, span.last)), this.regions);
    return { region: this.region, network: this.network.genesis.network, status, logs, chart };
  }

  async did(did: string): Promise<DidView> {
    parseDid(did);
    const resolution = await this.resolver.resolve(did);
    const error = resolution.didResolutionMetadata.error;
    if (error === 'NOT_FOUND') throw new NotFoundError(`${did} is not registered on this region's ledger copy`);
    if (error === 'INTERNAL_ERROR') throw new Error(`the stored chain of ${did} does not verify: ${String(resolution.didResolutionMetadata.message)}`);
    if (error) throw new InvalidInputError(`${did} is not a DID this region resolves (${error})`);
    if (!isIsthmusDid(did)) return { did, resolution, timeline: null };
    const chain = await this.resolver.chain(did);
    if (!chain) throw new NotFoundError(`${did} is not registered on this region's ledger copy`);
    const roots = new Map<string, string | null>();
    const steps = didTimeline(chain.items.map((item) => ({ type: item.operation.type, log: item.log, index: item.index, time: item.time, document: item.operation.document, rotationKeys: item.operation.rotationKeys })));
    const timeline = [];
    for (const step of steps) {
      if (!roots.has(step.log)) {
        const latest = await this.entries.latestCheckpoint(step.log);
        roots.set(step.log, latest ? checkpointView(latest.note, step.log, this.network.genesis.regions).rootHash : null);
      }
      const root = roots.get(step.log);
      let inclusion: 'verified' | 'failed' | 'pending' = 'pending';
      if (root) {
        try {
          inclusion = inclusionVerified(await this.ledger.inclusion(step.log, step.index), root) ? 'verified' : 'failed';
        } catch {
          // The entry is newer than the log's latest checkpoint here.
          inclusion = 'pending';
        }
      }
      timeline.push({ ...step, inclusion });
    }
    return { did, resolution, timeline };
  }

  async entry(log: string, index: number): Promise<EntryView> {
    this.knownLog(log);
    const row = await this.entries.entry(log, index);
    if (!row) throw new NotFoundError(`log ${log} has no entry ${index} in this region's copy`);
    const latest = await this.entries.latestCheckpoint(log);
    let inclusion: EntryView['inclusion'] = null;
    if (latest && latest.size > index) {
      const proof = await this.ledger.inclusion(log, index, latest.size);
      inclusion = { size: proof.size, rootHash: proof.rootHash, proof: proof.proof, verified: inclusionVerified(proof, checkpointView(latest.note, log, this.network.genesis.regions).rootHash) };
    }
    return { line: lineOf(row), logSize: (await this.entries.head(log)).size, leafHash: row.leafHash, entry: JSON.parse(row.entry) as Record<string, unknown>, inclusion };
  }

  async checkpoint(log: string, size: number, from?: number): Promise<CheckpointPage> {
    this.knownLog(log);
    const [stored, latest] = [await this.repository.checkpointAt(log, size), await this.entries.latestCheckpoint(log)];
    if (!stored || !latest) throw new NotFoundError(`this region holds no checkpoint of log ${log} at size ${size}`);
    if (from !== undefined && from > size) {
      throw new InvalidInputError(`from (${from}) must not exceed the checkpoint's size (${size})`, { errors: [{ pointer: '/from', detail: 'must not exceed the size' }] });
    }
    const view = checkpointView(stored.note, log, this.network.genesis.regions);
    const previousSize = await this.repository.previousCheckpointSize(log, size);
    const start = from ?? previousSize;
    let consistency: ConsistencyResult | null = null;
    if (start !== null) {
      const proof = await this.ledger.consistency(log, start, size);
      consistency = checkConsistency(start, size, await this.ledger.rootAt(log, start), view.rootHash, proof.proof);
    }
    return { log, view, note: stored.note, createdAt: stored.createdAt, latestSize: latest.size, previousSize, consistency };
  }

  async statusLists(): Promise<{ id: string; log: string; index: number; versions: number }[]> {
    return this.repository.statusLists();
  }

  async statusList(id: string): Promise<StatusListSummary & { log: string; index: number }> {
    if (!STATUS_LIST_ID.test(id)) throw new InvalidInputError('a status list id is a lowercase UUID', { errors: [{ pointer: '/id', detail: 'must be a lowercase UUID' }] });
    const row = await this.entries.latestStatusList(id);
    const entry = row ? parseStatusListEntry((JSON.parse(row.entry) as { payload?: unknown }).payload) : undefined;
    if (!row || !entry) throw new NotFoundError(`no status list ${id} in this region's ledger copy`);
    return { ...(await summarizeStatusList(entry)), log: row.log, index: row.index };
  }

  async trust(): Promise<TrustView> {
    const entries = (await this.entries.entriesOfKind('trust')).flatMap((row) => {
      try {
        return [{ entry: parseTrustEntry((JSON.parse(row.entry) as { payload: unknown }).payload), log: row.log, index: row.index }];
      } catch {
        return [];
      }
    });
    const issuers = new Map(entries.flatMap(({ entry }) => (entry.type === 'accredit' ? [[`${entry.region}/${entry.id}`, entry.issuer] as const] : [])));
    const withdrawals = entries.flatMap(({ entry, log, index }) => (entry.type === 'withdraw' ? [{ ...entry, log, index, issuer: issuers.get(`${entry.region}/${entry.withdraws}`) ?? null }] : []));
    return { accreditations: await this.trustList.view(), withdrawals };
  }

  private knownLog(log: string): void {
    if (!this.network.region(log)) throw new NotFoundError(`no log ${log} in this network`);
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { recognizes } from '../../domain/policy/policy.js';
import { activeAt, foldTrustList, parseTrustEntry, signTrustEntry, type Accreditation, type TrustListItem, type Withdrawal } from '../../domain/trust/trust-entry.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerWriter, type BatchView } from '../ledger/ledger-writer.js';
import { NetworkService } from '../network/network.service.js';
import { PolicyService } from '../policy/policy.service.js';
import { ResolverService } from '../registry/resolver.service.js';
import type { AccreditIssuerDto, AccreditationDto, TrustEntryResultDto } from './dto/trust.dto.js';

/** What verification reports about an issuer's accreditation for a credential's types. */
export interface AccreditationVerdict {
  /** Accreditations this region recognizes. */
  readonly recognized: { region: string; id: string; type: string }[];
  /** Accreditations of regions this one does not recognize for that type. */
  readonly unrecognized: { region: string; id: string; type: string }[];
}

/** The trust list as folded for one ledger version, with each issuer's accreditations at hand for verification. */
interface FoldedTrustList {
  /** Per log, its newest trust entry's index: what the fold was made from. */
  readonly version: string;
  readonly list: TrustListItem[];
  readonly byIssuer: ReadonlyMap<string, TrustListItem[]>;
}

/**
 * The trust list: this region's governance accredits issuers (entries signed with its genesis
 * governance key, appended to its log); every region's accreditations are read from the local
 * ledger copy, folded once per change (checked by one indexed query per call, so replicas on
 * one database stay correct).
 */
@Injectable()
export class TrustService {
  private cached: FoldedTrustList | undefined;

  constructor(
    private readonly writer: LedgerWriter,
    private readonly ledger: LedgerRepository,
    private readonly network: NetworkService,
    private readonly policies: PolicyService,
    private readonly resolver: ResolverService,
  ) {}

  async accredit(request: AccreditIssuerDto): Promise<TrustEntryResultDto> {
    const resolved = await this.resolver.resolve(request.issuer);
    if (resolved.didResolutionMetadata.error) {
      throw new InvalidInputError(`${request.issuer} does not resolve here: only resolvable issuers can be accredited`, { errors: [{ pointer: '/issuer', detail: 'does not resolve' }] });
    }
    if (resolved.didDocumentMetadata.deactivated) throw new ConflictError(`${request.issuer} was deactivated, which is final: it can no longer issue, so there is nothing to accredit`);
    const now = new Date().toISOString();
    const validFrom = normalize(request.validFrom, '/validFrom') ?? now;
    const validUntil = normalize(request.validUntil, '/validUntil');
    if (validUntil !== undefined && validUntil <= validFrom) {
      throw new InvalidInputError('validUntil must be after validFrom', { errors: [{ pointer: '/validUntil', detail: `must be after validFrom (${validFrom})` }] });
    }
    const unsigned = {
      type: 'accredit' as const,
      id: randomUUID(),
      region: this.network.self.id,
      issuer: request.issuer,
      credentialTypes: [...new Set(request.credentialTypes)],
      jurisdiction: request.jurisdiction ?? this.network.self.id.toUpperCase(),
      validFrom,
      ...(validUntil !== undefined ? { validUntil } : {}),
      issued: now,
    };
    return this.append(parseTrustEntry(signTrustEntry<Accreditation>(unsigned, this.network.keys.governanceKey.privateKey)));
  }

  async withdraw(accreditationId: string): Promise<TrustEntryResultDto> {
    const region = this.network.self.id;
    const unsigned = { type: 'withdraw' as const, id: randomUUID(), region, withdraws: accreditationId, issued: new Date().toISOString() };
    const entry = signTrustEntry<Withdrawal>(unsigned, this.network.keys.governanceKey.privateKey);
    // Checked under the log lock, against what is committed (any replica) and what this batch
    // already holds, so concurrent withdrawals put one entry on the log.
    return this.append(entry, async (view) => {
      const current = (await this.list()).some((i) => i.accreditation.id === accreditationId && i.accreditation.region === region);
      const queued = view.pending('trust').some((row) => (JSON.parse(row.entry) as { payload: { withdraws?: string } }).payload.withdraws === accreditationId);
      if (!current || queued) throw new NotFoundError(`no current accreditation ${accreditationId} of region ${region}`);
    });
  }

  private async append(entry: Accreditation | Withdrawal, check?: (view: BatchView) => Promise<void>): Promise<TrustEntryResultDto> {
    const row = await this.writer.append({
      kind: 'trust',
      prepare: async (view) => {
        await check?.(view);
        return { ref: entry.id, payload: { ...entry } };
      },
    });
    return { entry: { ...entry }, log: row.log, index: row.index };
  }

  /** Every current accreditation of every region, from this region's ledger copy. */
  async list(): Promise<TrustListItem[]> {
    return (await this.folded()).list;
  }

  private async folded(): Promise<FoldedTrustList> {
    const version = await this.ledger.newestOfKind('trust');
    if (this.cached?.version === version) return this.cached;
    const rows = await this.ledger.entriesOfKind('trust');
    // Each entry was checked when appended (ours) or mirrored (the peer's governance signature);
    // a row that no longer parses was altered in the database: ledger:audit names it, the list skips it.
    const entries = rows.flatMap((row) => {
      try {
        return [{ entry: parseTrustEntry((JSON.parse(row.entry) as { payload: unknown }).payload), log: row.log, index: row.index }];
      } catch {
        return [];
      }
    });
    const list = foldTrustList(entries);
    const byIssuer = new Map<string, TrustListItem[]>();
    for (const item of list) {
      const ofIssuer = byIssuer.get(item.accreditation.issuer);
      if (ofIssuer) ofIssuer.push(item);
      else byIssuer.set(item.accreditation.issuer, [item]);
    }
    this.cached = { version, list, byIssuer };
    return this.cached;
  }

  async view(filter: { region?: string; issuer?: string } = {}): Promise<AccreditationDto[]> {
    const now = new Date();
    const folded = await this.folded();
    return (filter.issuer === undefined ? folded.list : (folded.byIssuer.get(filter.issuer) ?? []))
      .filter((i) => filter.region === undefined || i.accreditation.region === filter.region)
      .map((i) => ({ accreditation: { ...i.accreditation }, log: i.log, index: i.index, active: activeAt(i.accreditation, now) }));
  }

  /** Who accredits `issuer` for these types at `at`, split by whether this region recognizes it (its policy's `recognize`). */
  async accreditation(issuer: string, types: readonly string[], at: Date): Promise<AccreditationVerdict> {
    const verdict: AccreditationVerdict = { recognized: [], unrecognized: [] };
    for (const { accreditation } of (await this.folded()).byIssuer.get(issuer) ?? []) {
      if (!activeAt(accreditation, at)) continue;
      for (const type of types.filter((t) => accreditation.credentialTypes.includes(t))) {
        const item = { region: accreditation.region, id: accreditation.id, type };
        (recognizes(this.policies.policy, this.network.self.id, accreditation.region, type) ? verdict.recognized : verdict.unrecognized).push(item);
      }
    }
    return verdict;
  }
}

/** RFC 3339 UTC with the milliseconds the rest of the ledger uses; ISO 8601 forms without a calendar date (week, ordinal) are refused. */
function normalize(time: string | undefined, pointer: string): string | undefined {
  if (time === undefined) return undefined;
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) {
    throw new InvalidInputError(`${pointer.slice(1)} must be a date and time`, { errors: [{ pointer, detail: 'must be an RFC 3339 date and time' }] });
  }
  return new Date(ms).toISOString();
}

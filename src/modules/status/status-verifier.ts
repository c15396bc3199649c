import { Injectable } from '@nestjs/common';
import { readNumericDate } from '../../domain/credentials/time-claims.js';
import { bitstringEntries, decodeBitstring } from '../../domain/status/bitstring-status-list.js';
import { parseStatusListEntry, STATUS_LIST_ID } from '../../domain/status/status-list-entry.js';
import { tokenStatusMeaning } from '../../domain/status/status-change.js';
import { TokenStatusList, tokenStatusReference } from '../../domain/status/token-status-list.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { NetworkService } from '../network/network.service.js';
import { decodeJws, DidJwsVerifier } from '../registry/did-jws.js';
import type { LedgerPosition } from '../../domain/did/index.js';

export interface StatusCheck {
  readonly check: string;
  readonly result: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
}

/** One verified version of a list, decoded once. */
type VerifiedList =
  | { readonly ok: true; readonly issuer: string; readonly purpose: string | undefined; readonly get: (index: number) => number; readonly size: number; readonly validFrom?: number; readonly validUntil?: number; readonly version: string }
  | { readonly ok: false; readonly problem: string };

const CACHE_LIMIT = 2_000;
const failed = (check: string, detail: string): StatusCheck => ({ check, result: 'failed', detail });
const passed = (check: string, detail: string): StatusCheck => ({ check, result: 'passed', detail });
const skipped = (check: string, detail: string): StatusCheck => ({ check, result: 'skipped', detail });
// A NumericDate outside 1970…9999 is no date (new Date(1e23) cannot be resolved as of).
const numericDateMs = (value: unknown): number | undefined => {
  const seconds = readNumericDate('', value);
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
};

/**
 * Checks a credential's status entries against this region's copy of the issuer's lists: a
 * list URL naming any region of the network is looked up on the local ledger, never fetched,
 * so the issuer never learns who checks what. Each list version is verified and decoded once.
 */
@Injectable()
export class StatusVerifier {
  private readonly cache = new Map<string, Promise<VerifiedList>>();
  /** List URL → list id, or null when the URL names no list of this network: the genesis is fixed at boot. */
  private readonly listIds = new Map<string, string | null>();
  private regionBases: ReadonlySet<string> | undefined;

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly network: NetworkService,
    private readonly signers: DidJwsVerifier,
  ) {}

  /** The checks for the status a credential carries: `credentialStatus` (W3C) or `status` (SD-JWT VC). */
  async check(carrier: { credentialStatus?: unknown; status?: unknown }, issuer: string, options: { requireStatus?: boolean } = {}): Promise<StatusCheck[]> {
    // An entry this service cannot check is reported, never fetched; it fails only when the relying party requires status.
    const unchecked = (check: string, detail: string): StatusCheck => (options.requireStatus ? failed(check, `${detail} (options.requireStatus)`) : skipped(check, detail));
    if ('status' in carrier) return this.checkToken(carrier.status, issuer, unchecked);
    const { entries, problems, others } = bitstringEntries(carrier.credentialStatus);
    const checks: StatusCheck[] = problems.map((p) => failed('status', `malformed status entry: ${p}`));
    for (const other of others) checks.push(unchecked('status', `${other}: not a status mechanism this service checks`));
    const positions = await this.positions(entries.map((e) => e.listUrl));
    for (const entry of entries) {
      const check = `status:${entry.purpose}`;
      if (!this.listId(entry.listUrl)) {
        checks.push(unchecked(check, `${entry.listUrl} is not a status list of this network; lists are read from the ledger, never fetched`));
        continue;
      }
      const list = await this.list(entry.listUrl, 'vc+jwt', issuer, positions);
      if (!list.ok) {
        checks.push(failed(check, list.problem));
        continue;
      }
      if (list.purpose !== entry.purpose) checks.push(failed(check, `the list at ${entry.listUrl} is a ${String(list.purpose)} list, not ${entry.purpose}`));
      else if (entry.index >= list.size) checks.push(failed(check, `index ${entry.index} is outside the list (${list.size} entries)`));
      else if (entry.purpose !== 'revocation' && entry.purpose !== 'suspension') checks.push(skipped(check, `status purpose ${entry.purpose} carries no validity meaning here`));
      else if (list.get(entry.index) === 1) checks.push(failed(check, `${entry.purpose === 'revocation' ? 'revoked' : 'suspended'} (list ${entry.listUrl} version ${list.version}, index ${entry.index})`));
      else checks.push(passed(check, `not ${entry.purpose === 'revocation' ? 'revoked' : 'suspended'} (list version ${list.version})`));
    }
    if (checks.length === 0) checks.push(skipped('status', 'the credential carries no status entry'));
    return checks;
  }

  private async checkToken(status: unknown, issuer: string, unchecked: (check: string, detail: string) => StatusCheck): Promise<StatusCheck[]> {
    const reference = tokenStatusReference(status);
    if (reference === undefined) return [skipped('status', 'the credential carries no status claim')];
    if ('problem' in reference) return [failed('status', `malformed status claim: ${reference.problem}`)];
    if (!this.listId(reference.uri)) return [unchecked('status', `${reference.uri} is not a status list of this network; lists are read from the ledger, never fetched`)];
    const list = await this.list(reference.uri, 'statuslist+jwt', issuer, await this.positions([reference.uri]));
    if (!list.ok) return [failed('status', list.problem)];
    if (reference.idx >= list.size) return [failed('status', `idx ${reference.idx} is outside the list (${list.size} entries)`)];
    const meaning = tokenStatusMeaning(list.get(reference.idx));
    if (meaning === 'valid') return [passed('status', `VALID (list version ${list.version})`)];
    if (meaning === 'unknown') return [failed('status', `status value ${list.get(reference.idx)} at idx ${reference.idx} is not one this service knows`)];
    return [failed(`status:${meaning.purpose}`, `${meaning.status} (list ${reference.uri} version ${list.version}, idx ${reference.idx})`)];
  }

  /** Where the newest local version of each list is: one query per credential, whatever its number of lists. */
  private positions(urls: string[]): Promise<Map<string, { log: string; index: number }>> {
    return this.ledger.latestStatusListPositions([...new Set(urls.map((u) => this.listId(u)).filter((id) => id !== undefined))]);
  }

  /** The newest local version of the list a URL names, verified, with its validity checked now. */
  private async list(url: string, format: 'vc+jwt' | 'statuslist+jwt', issuer: string, positions: Map<string, { log: string; index: number }>): Promise<VerifiedList> {
    const id = this.listId(url);
    if (!id) return { ok: false, problem: `${url} is not a status list of this network; lists are read from the ledger, never fetched` };
    const position = positions.get(id);
    if (!position) return { ok: false, problem: `the list ${url} is not in this region's ledger copy (not replicated yet?)` };
    const key = `${position.log}:${position.index}`;
    let verified = this.cache.get(key);
    if (!verified) {
      verified = this.ledger.entry(position.log, position.index).then((row) => (row ? this.verifyVersion(row.entry, url, format, position) : { ok: false as const, problem: `the list ${url} vanished from the ledger` }));
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, verified);
      // A database error is not a verdict: forget it, so the next check reads again.
      verified.catch(() => this.cache.delete(key));
    }
    const list = await verified;
    if (!list.ok) return list;
    if (list.issuer !== issuer) return { ok: false, problem: `the list ${url} is issued by ${list.issuer}, not by the credential's issuer ${issuer}` };
    const now = Date.now();
    if (list.validFrom !== undefined && list.validFrom > now + 60_000) return { ok: false, problem: `the list ${url} is not valid yet` };
    if (list.validUntil !== undefined && list.validUntil < now) {
      return { ok: false, problem: `the newest copy of ${url} here expired at ${new Date(list.validUntil).toISOString()}: the issuer's region has not re-signed it (or it has not replicated)` };
    }
    return list;
  }

  /** The list id of a URL `<region base URL>/status-lists/<id>` of any region in the genesis. */
  private listId(url: string): string | undefined {
    let id = this.listIds.get(url);
    if (id === undefined) {
      this.regionBases ??= new Set(this.network.genesis.regions.map((r) => r.url.replace(/\/$/, '')));
      const match = /^(.*)\/status-lists\/([^/?#]+)$/.exec(url);
      id = match && STATUS_LIST_ID.test(match[2]!) && this.regionBases.has(match[1]!) ? match[2]! : null;
      if (this.listIds.size >= CACHE_LIMIT) this.listIds.delete(this.listIds.keys().next().value!);
      this.listIds.set(url, id);
    }
    return id ?? undefined;
  }

  private async verifyVersion(entryJson: string, url: string, format: 'vc+jwt' | 'statuslist+jwt', position: LedgerPosition): Promise<VerifiedList> {
    const bad = (problem: string): VerifiedList => ({ ok: false, problem: `the list ${url}: ${problem}` });
    const entry = parseStatusListEntry((JSON.parse(entryJson) as { payload?: unknown }).payload);
    if (!entry) return bad('its ledger entry is malformed');
    if (entry.format !== format) return bad(`is a ${entry.format}, where a ${format} was expected`);
    const jws = decodeJws(entry.token);
    if (!jws) return bad('is not a compact JWS');
    const { header, payload } = jws;
    if (header.typ !== format) return bad(`has typ ${String(header.typ)}, not ${format}`);
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const did = (kid ?? entry.issuer).split('#')[0]!;
    if (did !== entry.issuer) return bad(`is signed by ${did} but published for ${entry.issuer}`);
    // A list version is itself a ledger entry: its own position is its anchor.
    const signer = await this.signers.verifyAssertion(entry.token, String(header.alg), did, kid, async () => [position], 'status list');
    if (!('methodId' in signer)) return bad(`its signature does not verify: ${signer.problem}`);
    const version = String(entry.version);
    if (format === 'statuslist+jwt') {
      if (payload.sub !== url) return bad(`its sub is ${String(payload.sub)}, not its URL`);
      if (payload.iss !== undefined && payload.iss !== did) return bad(`its iss ${String(payload.iss)} is not its signer`);
      try {
        const list = TokenStatusList.decode((payload.status_list ?? {}) as { bits?: unknown; lst?: unknown });
        return { ok: true, issuer: did, purpose: undefined, get: (i) => list.get(i), size: list.size, validUntil: numericDateMs(payload.exp), version };
      } catch (error) {
        return bad((error as Error).message);
      }
    }
    const types = Array.isArray(payload.type) ? payload.type : [payload.type];
    const subject = (payload.credentialSubject ?? {}) as { type?: unknown; statusPurpose?: unknown; encodedList?: unknown };
    if (!types.includes('BitstringStatusListCredential') || subject.type !== 'BitstringStatusList') return bad('is not a BitstringStatusListCredential');
    if (payload.id !== url) return bad(`its id is ${String(payload.id)}, not its URL`);
    const issuer = typeof payload.issuer === 'string' ? payload.issuer : (payload.issuer as { id?: unknown } | undefined)?.id;
    if (issuer !== did) return bad(`its issuer ${String(issuer)} is not its signer`);
    if (typeof subject.encodedList !== 'string') return bad('has no encodedList');
    try {
      const bits = await decodeBitstring(subject.encodedList);
      const time = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : undefined);
      return { ok: true, issuer: did, purpose: typeof subject.statusPurpose === 'string' ? subject.statusPurpose : undefined, get: (i) => (bits.get(i) ? 1 : 0), size: bits.length, validFrom: time(payload.validFrom), validUntil: time(payload.validUntil), version };
    } catch (error) {
      return bad((error as Error).message);
    }
  }
}

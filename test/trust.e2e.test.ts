import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTrustEntry, type Accreditation } from '../src/domain/trust/trust-entry.js';
import { LedgerWriter } from '../src/modules/ledger/ledger-writer.js';
import { postJson as post } from './support/http.js';
import { dbOf, getJson, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN, startRegion, startReplica, type TestRegion } from './support/region.js';

// The worked example of docs/jurisdictions.md: eu and ap recognize each other's universities,
// not each other's banks.
const EU_POLICY = { v: 1, recognize: { ap: ['UniversityDegreeCredential'] } };
const AP_POLICY = { v: 1, recognize: { eu: ['UniversityDegreeCredential'] } };

let net: TwoRegions;
const issuers: Record<string, { key: string; did: string }> = {};
const credential = (issuer: string, type: string) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential', type],
  issuer,
  credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', title: 'x' },
});
const base = (region: 'eu' | 'ap') => net[region].url!;
const accredit = (region: 'eu' | 'ap', body: unknown, token = ADMIN_TOKEN) => post(base(region), '/trust/issuers', body, token || undefined);
const synced = async () => {
  for (const [from, to] of [['eu', 'ap'], ['ap', 'eu']] as const) {
    const size = Number((await (await fetch(`${base(from)}/ledger/${from}/checkpoint`)).text()).split('\n')[1]);
    await waitFor(async () => (await logStatus(net[to], from)).acceptedSize >= size, `${to} to hold the ${from} log`);
  }
};
const issue = async (name: string, type: string) => {
  const { key, did } = issuers[name]!;
  const region = name.endsWith('Eu') ? 'eu' : 'ap';
  const res = await post(base(region), '/credentials/issue', { credential: credential(did, type) }, key);
  expect(res.status).toBe(201);
  return res.body.verifiableCredential;
};
const accreditation = async (region: 'eu' | 'ap', vc: unknown, requireAccreditation = false) => {
  const res = await post(base(region), '/credentials/verify', { verifiableCredential: vc, options: { requireAccreditation } });
  return { status: res.status, check: (res.body.checks as { check: string; result: string; detail: string }[]).find((c) => c.check === 'issuer-accreditation')! };
};

beforeAll(async () => {
  net = await startTwoRegions({}, undefined, { eu: { 'policy.json': JSON.stringify(EU_POLICY) }, ap: { 'policy.json': JSON.stringify(AP_POLICY) } });
  for (const name of ['uniEu', 'bankEu', 'uniAp', 'bankAp']) {
    const region = name.endsWith('Eu') ? 'eu' : 'ap';
    const key = (await post(base(region), '/admin/issuers', { name }, ADMIN_TOKEN)).body.apiKey as string;
    issuers[name] = { key, did: (await post(base(region), '/1.0/create?method=isthmus', {}, key)).body.didState.did };
  }
  await synced();
  for (const [region, name, type] of [
    ['eu', 'uniEu', 'UniversityDegreeCredential'],
    ['eu', 'bankEu', 'BankAccountCredential'],
    ['ap', 'uniAp', 'UniversityDegreeCredential'],
    ['ap', 'bankAp', 'BankAccountCredential'],
  ] as const) {
    const res = await accredit(region, { issuer: issuers[name]!.did, credentialTypes: [type], validFrom: '2026-01-01T00:00:00Z' });
    expect(res.status).toBe(201);
  }
  await synced();
});
afterAll(async () => {
  await net?.close();
});

describe('the trust list', () => {
  it('is signed by the region governance key, and both regions serve every region’s entries', async () => {
    for (const region of ['eu', 'ap'] as const) {
      const list = await getJson<{ accreditations: { accreditation: Record<string, unknown>; log: string; active: boolean }[] }>(base(region), '/trust/issuers');
      expect(list.accreditations).toHaveLength(4);
      expect(list.accreditations.every((a) => a.active && a.log === a.accreditation.region && typeof a.accreditation.sig === 'string')).toBe(true);
    }
    const ofUni = await getJson<{ issuer: string; accreditations: { accreditation: { region: string; credentialTypes: string[]; jurisdiction: string } }[] }>(base('ap'), `/trust/issuers/${encodeURIComponent(issuers.uniEu!.did)}`);
    expect(ofUni.accreditations.map((a) => a.accreditation)).toEqual([expect.objectContaining({ region: 'eu', credentialTypes: ['UniversityDegreeCredential'], jurisdiction: 'EU' })]);
    expect((await getJson<{ accreditations: unknown[] }>(base('ap'), '/trust/issuers?region=eu')).accreditations).toHaveLength(2);
  });

  it('refuses non-admins, bad bodies, unknown issuers and unknown withdrawals', async () => {
    expect((await accredit('eu', { issuer: issuers.uniEu!.did, credentialTypes: ['X'] }, '')).status).toBe(401);
    expect((await accredit('eu', { issuer: issuers.uniEu!.did, credentialTypes: ['X'] }, issuers.uniEu!.key)).status).toBe(401);
    const bad = await accredit('eu', { issuer: 'nobody', credentialTypes: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/credentialTypes', '/issuer']);
    expect((await accredit('eu', { issuer: 'did:isthmus:aaaaaaaaaaaaaaaaaaaaaaaa', credentialTypes: ['X'] })).status).toBe(400);
    // ISO 8601 week and ordinal dates pass the DTO's format check but name no calendar date.
    for (const validFrom of ['2026-W01', '2026-123']) {
      const res = await accredit('eu', { issuer: issuers.uniEu!.did, credentialTypes: ['X'], validFrom });
      expect(res.status, validFrom).toBe(400);
      expect(res.body.errors).toEqual([{ pointer: '/validFrom', detail: expect.any(String) }]);
    }
    const backwards = await accredit('eu', { issuer: issuers.uniEu!.did, credentialTypes: ['X'], validFrom: '2027-01-01T00:00:00Z', validUntil: '2026-12-31T00:00:00+02:00' });
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({ status: 400, title: expect.any(String), detail: expect.stringMatching(/validUntil/) });
    expect(backwards.body.errors).toEqual([{ pointer: '/validUntil', detail: expect.stringMatching(/after validFrom/) }]);
    expect((await post(base('eu'), '/trust/withdrawals', { accreditation: randomUUID() }, ADMIN_TOKEN)).status).toBe(404);
    expect((await fetch(`${base('eu')}/trust/issuers/${encodeURIComponent('did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK')}`)).status).toBe(404);
  });
});

describe('issuer-accreditation in verification', () => {
  it('recognizes the other region’s universities', async () => {
    expect((await accreditation('ap', await issue('uniEu', 'UniversityDegreeCredential'), true)).check).toMatchObject({ result: 'passed', detail: 'accredited for UniversityDegreeCredential by eu' });
    expect((await accreditation('eu', await issue('uniAp', 'UniversityDegreeCredential'), true)).check).toMatchObject({ result: 'passed', detail: 'accredited for UniversityDegreeCredential by ap' });
  });

  it('does not recognize the other region’s banks: reported, and failed when required', async () => {
    const vc = await issue('bankEu', 'BankAccountCredential');
    expect(await accreditation('eu', vc)).toMatchObject({ status: 200, check: { result: 'passed' } });
    expect(await accreditation('ap', vc)).toMatchObject({ status: 200, check: { result: 'skipped', detail: 'accredited for BankAccountCredential by eu, which region ap does not recognize' } });
    expect(await accreditation('ap', vc, true)).toMatchObject({ status: 400, check: { result: 'failed' } });
    expect((await accreditation('eu', await issue('bankAp', 'BankAccountCredential'), true)).status).toBe(400);
  });

  it('an issuer accredited for another type is not accredited for this one', async () => {
    const vc = await issue('uniEu', 'BankAccountCredential');
    expect((await accreditation('eu', vc, true)).check).toMatchObject({ result: 'failed', detail: expect.stringMatching(/^no region accredits/) });
  });

  it('a withdrawal replicates and ends the accreditation in both regions', async () => {
    const current = await getJson<{ accreditations: { accreditation: { id: string } }[] }>(base('eu'), `/trust/issuers/${encodeURIComponent(issuers.uniEu!.did)}`);
    // Two admins withdraw it at once: one entry goes on the log, the other finds nothing to withdraw.
    const both = await Promise.all([1, 2].map(() => post(base('eu'), '/trust/withdrawals', { accreditation: current.accreditations[0]!.accreditation.id }, ADMIN_TOKEN)));
    expect(both.map((r) => r.status).sort()).toEqual([201, 404]);
    const withdrawn = both.find((r) => r.status === 201)!;
    expect(withdrawn.body.entry).toMatchObject({ type: 'withdraw', region: 'eu', withdraws: current.accreditations[0]!.accreditation.id });
    // ap cannot withdraw what eu accredited.
    expect((await post(base('ap'), '/trust/withdrawals', { accreditation: current.accreditations[0]!.accreditation.id }, ADMIN_TOKEN)).status).toBe(404);
    await synced();
    for (const region of ['eu', 'ap'] as const) {
      const res = await fetch(`${base(region)}/trust/issuers/${encodeURIComponent(issuers.uniEu!.did)}`);
      expect(res.status, `${region}: ${await res.text()}`).toBe(404);
    }
    expect((await accreditation('ap', await issue('uniEu', 'UniversityDegreeCredential'), true)).status).toBe(400);
  });
});

describe('a trust entry not signed by the region’s governance key', () => {
  const audit = () =>
    spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/ledger-audit.js'), '--data-dir', net.eu.config.dataDir], {
      env: { PATH: process.env.PATH, ...(net.eu.database.url ? { DATABASE_URL: net.eu.database.url } : {}) },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('is refused by the other region’s mirror, which raises the alarm, and by ledger:audit', async () => {
    const before = audit();
    expect(before.stderr).toBe('');
    expect(before.status).toBe(0);
    // eu's log writer appends an accreditation its governance never signed (a compromised writer).
    const stranger = generateKeyPairSync('ed25519');
    const forged = signTrustEntry<Accreditation>(
      { type: 'accredit', id: randomUUID(), region: 'eu', issuer: issuers.bankAp!.did, credentialTypes: ['UniversityDegreeCredential'], jurisdiction: 'EU', validFrom: '2026-01-01T00:00:00.000Z', issued: new Date().toISOString() },
      stranger.privateKey,
    );
    const row = await net.eu.app.get(LedgerWriter).append({ kind: 'trust', prepare: async () => ({ ref: forged.id, payload: { ...forged } }) });
    const alarm = await waitFor(async () => {
      const status = await getJson<{ alarms: { log: string; kind: string; detail: string }[] }>(base('ap'), '/ledger/status');
      return status.alarms.find((a) => a.log === 'eu' && a.kind === 'invalid-entries');
    }, 'the invalid-entries alarm');
    expect(alarm.detail).toMatch(new RegExp(`entry ${row.index}: invalid trust entry \\(the trust entry .* is not signed by the governance key of region eu\\)`));
    const stored = await dbOf(net.ap).query(`SELECT COUNT(*) AS n FROM ledger_entry WHERE log = 'eu' AND idx = ${row.index}`);
    expect(Number(stored[0].n)).toBe(0);
    const after = audit();
    expect(after.status).toBe(1);
    expect(after.stderr).toMatch(new RegExp(`FAULT: log eu, entry ${row.index}: invalid trust entry`));
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('two replicas of a region on one PostgreSQL database', () => {
  const replicas: TestRegion[] = [];
  afterAll(async () => {
    for (const r of replicas.reverse()) await r.close();
  });

  it('each sees the other’s accreditations and withdrawals at once, and one withdrawal wins', async () => {
    const first = await startRegion();
    replicas.push(first);
    const second = await startReplica(first);
    replicas.push(second);
    const http = (r: TestRegion) => request(r.app.getHttpServer());
    const admin = (r: TestRegion, path: string, body: object) => http(r).post(path).set('authorization', `Bearer ${ADMIN_TOKEN}`).send(body);
    const key = (await admin(first, '/admin/issuers', { name: 'Uni' })).body.apiKey;
    const issuer = (await http(first).post('/1.0/create?method=isthmus').set('authorization', `Bearer ${key}`).send({})).body.didState.did as string;
    const path = `/trust/issuers/${encodeURIComponent(issuer)}`;
    // Both fold the (empty) list first, so a stale cache would show.
    for (const r of [first, second]) expect((await http(r).get(path)).status).toBe(404);
    const accredited = await admin(first, '/trust/issuers', { issuer, credentialTypes: ['UniversityDegreeCredential'] });
    expect(accredited.status).toBe(201);
    expect((await http(second).get(path)).body.accreditations).toEqual([expect.objectContaining({ log: 'eu', index: accredited.body.index })]);
    const both = await Promise.all([first, second].map((r) => admin(r, '/trust/withdrawals', { accreditation: accredited.body.entry.id })));
    expect(both.map((r) => r.status).sort()).toEqual([201, 404]);
    for (const r of [first, second]) expect((await http(r).get(path)).status).toBe(404);
    const trustRows = await dbOf(first).query(`SELECT COUNT(*) AS n FROM ledger_entry WHERE log = 'eu' AND kind = 'trust'`);
    expect(Number(trustRows[0].n)).toBe(2);
  });
});

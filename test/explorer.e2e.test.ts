/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read loosely by the tests */
import { generateKeyPairSync } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from './support/browser.js';
import { postJson as post } from './support/http.js';
import { dbOf, getJson, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN } from './support/region.js';
import { tamperWithLedger } from './support/tamper.js';

// The ledger explorer (docs/explorer.md) against two live regions: what a person sees on each
// page equals what the JSON API says, hostile input is escaped, errors are HTML pages.

const POLICY = { v: 1, recognize: { ap: ['UniversityDegreeCredential'] }, protectedClaims: { UniversityDegreeCredential: ['degree'] } };
const HOSTILE_DID = 'did:isthmus:<script>alert(1)</script>';

let net: TwoRegions;
let apiKey = '';
let updated = ''; // created, then updated (a key and a service added)
let deactivated = ''; // created, then deactivated
let listId = '';
let withdrawnAccreditation = '';
const base = (region: 'eu' | 'ap') => net[region].url!;
const page = (region: 'eu' | 'ap', path: string) => fetch(`${base(region)}${path}`, { redirect: 'manual' });
const claimsOf = (vc: { id: string }) => JSON.parse(Buffer.from(vc.id.slice(vc.id.indexOf(',') + 1).split('.')[1]!, 'base64url').toString()) as Record<string, any>;

/** Both regions hold both logs in full, and each region's own log is cosigned by the other. */
async function synced(): Promise<void> {
  for (const [from, to] of [['eu', 'ap'], ['ap', 'eu']] as const) {
    const size = Number((await (await fetch(`${base(from)}/ledger/${from}/checkpoint`)).text()).split('\n')[1]);
    await waitFor(async () => (await logStatus(net[to], from)).acceptedSize >= size, `${to} to hold the ${from} log`);
    await waitFor(async () => (await logStatus(net[from], from)).cosignedSize >= size, `${to} to cosign the ${from} log`);
  }
}

beforeAll(async () => {
  net = await startTwoRegions({}, undefined, { eu: { 'policy.json': JSON.stringify(POLICY) } });
  apiKey = (await post(base('eu'), '/admin/issuers', { name: 'University of Leiden' }, ADMIN_TOKEN)).body.apiKey;
  const create = async () => (await post(base('eu'), '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did as string;
  updated = await create();
  deactivated = await create();
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const update = await post(base('eu'), '/1.0/update', {
    did: updated,
    didDocumentOperation: ['addToDidDocument'],
    didDocument: [{ verificationMethod: [{ id: '#key-2', type: 'JsonWebKey', publicKeyJwk: jwk }], service: [{ id: '#site', type: 'LinkedDomains', serviceEndpoint: 'https://leiden.example' }] }],
  }, apiKey);
  expect(update.status, JSON.stringify(update.body)).toBe(200);
  expect((await post(base('eu'), '/1.0/deactivate', { did: deactivated }, apiKey)).status).toBe(200);
  const issued = await post(base('eu'), '/credentials/issue', {
    credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'UniversityDegreeCredential'], issuer: updated, credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', degree: 'Secret MSc' } },
    options: { format: 'vc+sd-jwt', status: ['revocation'], selectivelyDisclosable: ['/credentialSubject/degree'] },
  }, apiKey);
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  listId = String(claimsOf(issued.body.verifiableCredential).credentialStatus[0].statusListCredential).split('/').at(-1)!;
  const revoked = await post(base('eu'), '/credentials/status', { credentialId: issued.body.credentialId, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }] }, apiKey);
  expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
  expect((await post(base('eu'), '/trust/issuers', { issuer: updated, credentialTypes: ['UniversityDegreeCredential'] }, ADMIN_TOKEN)).status).toBe(201);
  const second = await post(base('eu'), '/trust/issuers', { issuer: updated, credentialTypes: ['DiplomaSupplement'] }, ADMIN_TOKEN);
  withdrawnAccreditation = second.body.entry.id;
  expect((await post(base('eu'), '/trust/withdrawals', { accreditation: withdrawnAccreditation }, ADMIN_TOKEN)).status).toBe(201);
  const apKey = (await post(base('ap'), '/admin/issuers', { name: 'University of Osaka' }, ADMIN_TOKEN)).body.apiKey;
  expect((await post(base('ap'), '/1.0/create?method=isthmus', {}, apKey)).status).toBe(201);
  await synced();
}, 120_000);

afterAll(async () => {
  await net?.close();
});

describe('explorer pages over HTTP', () => {
  it('are HTML with a strict Content-Security-Policy and no script', async () => {
    const size = (await (await fetch(`${base('ap')}/ledger/eu/checkpoint`)).text()).split('\n')[1];
    for (const path of ['/explorer', `/explorer/dids/${encodeURIComponent(updated)}`, '/explorer/trust', '/explorer/policy', '/explorer/status-lists', `/explorer/status-lists/${listId}`, '/explorer/logs/eu/entries/0', `/explorer/logs/eu/checkpoints/${size}`]) {
      const res = await page('ap', path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /);
      expect(csp).not.toMatch(/unsafe|script-src|https?:/);
      const text = await res.text();
      expect(text).not.toMatch(/<script|\son[a-z]+=|https?:\/\/(?!127\.0\.0\.1|leiden\.example|www\.w3\.org|w3id\.org)/i);
    }
  });

  it('escape a hostile DID in the URL and answer 400 as an HTML page', async () => {
    const res = await page('eu', `/explorer/dids/${encodeURIComponent(HOSTILE_DID)}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    const text = await res.text();
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('answer unknown things with a friendly 404 page, and bad numbers with 400', async () => {
    for (const path of ['/explorer/logs/xx/entries/0', '/explorer/logs/eu/entries/99999', '/explorer/logs/eu/checkpoints/99999', '/explorer/dids/did%3Aisthmus%3Aaaaaaaaaaaaaaaaaaaaaaaaa', '/explorer/status-lists/00000000-0000-4000-8000-000000000000', '/explorer/search?q=nothing+like+it']) {
      const res = await page('eu', path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toMatch(/Try the search box/);
    }
    for (const path of ['/explorer/logs/eu/entries/-1', '/explorer/logs/eu/entries/1e3', '/explorer/logs/eu/entries/4294967296', '/explorer/logs/eu/checkpoints/2147483648', '/explorer/logs/eu/checkpoints/1?from=x', '/explorer/logs/eu/checkpoints/1?from=2', '/explorer/status-lists/NOT-A-UUID', '/explorer/dids/did%3Aweb%3Aexample.com']) {
      const res = await page('eu', path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
    }
  });

  it('search redirects a DID, an entry index and a status list id to their pages', async () => {
    const cases: [string, string][] = [
      [updated, `/explorer/dids/${encodeURIComponent(updated)}`],
      [`${updated}#key-1`, `/explorer/dids/${encodeURIComponent(updated)}`],
      ['3', '/explorer/logs/eu/entries/3'],
      ['ap/0', '/explorer/logs/ap/entries/0'],
      [`${base('eu')}/status-lists/${listId}`, `/explorer/status-lists/${listId}`],
    ];
    for (const [q, location] of cases) {
      const res = await page('eu', `/explorer/search?q=${encodeURIComponent(q)}`);
      expect([res.status, res.headers.get('location')], q).toEqual([303, location]);
    }
  });

  it('never show tenant secrets or claim values', async () => {
    const pages = await Promise.all(['/explorer', `/explorer/dids/${encodeURIComponent(updated)}`, '/explorer/logs/eu/entries/0', '/explorer/trust'].map(async (p) => (await page('eu', p)).text()));
    for (const text of pages) {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain('Secret MSc');
      expect(text).not.toContain(ADMIN_TOKEN);
    }
  });
});

// ---- in a browser ---------------------------------------------------------------------------

const browserFound = ensureChromium();
if ('skip' in browserFound) console.warn(`explorer browser tests skipped: ${browserFound.skip}`);

describe.skipIf('skip' in browserFound)('explorer pages in Chromium', () => {
  let browser: Browser;
  let tab: Page;
  const dialogs: string[] = [];
  /** What the browser refused under the page's Content-Security-Policy: nothing, the page needs nothing else. */
  const violations: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: (browserFound as { path: string }).path, args: CHROMIUM_ARGS });
    tab = await browser.newPage();
    tab.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
    });
    tab.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    expect(violations).toEqual([]);
  });

  const text = (selector: string) => tab.locator(selector).first().innerText();

  it('shows the network: both logs with the sizes, lag and alarms of /ledger/status, and a chart', async () => {
    await tab.goto(`${base('eu')}/explorer`);
    const status = await getJson<any>(base('eu'), '/ledger/status');
    expect(await tab.title()).toMatch(/Isthmus explorer \(eu\)/);
    for (const log of status.logs) {
      expect(await text(`tr[data-log="${log.log}"] [data-field=size]`)).toBe(String(log.size));
      expect(await text(`tr[data-log="${log.log}"] [data-field=lag]`)).toBe(String(log.lagEntries));
    }
    expect(await text('.alarms')).toBe(status.alarms.length === 0 ? 'No open alarms.' : expect.any(String));
    expect(await tab.locator('figure.chart svg polyline, figure.chart svg circle').count()).toBe(2);
    expect(await text('figure.chart figcaption')).toContain(`eu: ${status.logs.find((l: any) => l.log === 'eu').size} entries`);
    // The newest checkpoint of each log: signed by its writer and cosigned by the other region.
    expect(await text('section[data-log=eu] [data-signer=eu-log]')).toMatch(/signed by eu .*: verified/);
    expect(await text('section[data-log=eu] [data-signer=ap-cosigner]')).toMatch(/cosigned by ap .*: verified at \d{4}-/);
    // The inline style sheet applies: its hash is the one the CSP allows.
    expect(await tab.locator('header').evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(e).display)).toBe('flex');
    if (process.env.EXPLORER_SCREENSHOT) await tab.screenshot({ path: 'docs/explorer-home.png', fullPage: true });
  });

  it('follows the home page to a DID, its timeline, an entry and a checkpoint', async () => {
    await tab.goto(`${base('eu')}/explorer`);
    await tab.locator(`section[data-log=eu] table.entries a:text-is("${updated}")`).first().click();
    await tab.waitForURL(/\/explorer\/dids\//);
    const resolution = await getJson<any>(base('eu'), `/1.0/identifiers/${encodeURIComponent(updated)}`);
    const didLog = await getJson<any>(base('eu'), `/1.0/identifiers/${encodeURIComponent(updated)}/log`);
    expect(await text('[data-field=state]')).toBe('active');
    expect(await text('[data-field=version]')).toBe(resolution.didDocumentMetadata.versionId);
    expect(await tab.locator('table.timeline tbody tr').count()).toBe(didLog.operations.length);
    const second = await text('tr[data-version="2"]');
    expect(second).toMatch(/update/);
    expect(second).toMatch(/verified/);
    expect(second).toContain('keys added: #key-2 JsonWebKey Ed25519');
    expect(second).toContain('services added: #site');
    expect(await text('pre')).toContain(JSON.stringify(resolution.didDocument.id));
    // The entry of the update.
    await tab.locator('tr[data-version="2"] a').first().click();
    await tab.waitForURL(/\/entries\//);
    const { index } = didLog.operations[1];
    expect(await text('[data-field=index]')).toBe(String(index));
    const stored = await getJson<any>(base('eu'), `/ledger/eu/entries?start=${index}&limit=1`);
    expect(await text('[data-field=leafHash]')).toBe(stored.entries[0].leafHash);
    expect(await text('[data-field=kind]')).toBe('did-op');
    expect(await text('[data-field=inclusion]')).toMatch(/^verified in the checkpoint of size \d+/);
    expect(await text('.pager')).toBe(`← entry ${index - 1} · entry ${index + 1} →`);
    // The checkpoint that includes it, consistent with the one before.
    await tab.locator('[data-field=inclusion] a').click();
    await tab.waitForURL(/\/checkpoints\//);
    const note = await (await fetch(`${base('eu')}/ledger/eu/checkpoint`)).text();
    expect(await text('[data-field=size]')).toBe(note.split('\n')[1]);
    expect(await text('[data-field=rootHash]')).toBe(note.split('\n')[2]);
    expect(await text('[data-field=consistency]')).toMatch(/is a prefix of this one: verified/);
    expect(await text('[data-signer=ap-cosigner]')).toMatch(/verified/);
    const previous = Number(/\d+/.exec(await text('a[rel=prev]'))![0]);
    expect(await text('[data-field=consistency]')).toContain(`The tree of size ${previous} `);
    // Against an earlier size chosen in the form.
    await tab.locator('input[name=from]').fill('1');
    await tab.locator('form:not(.search) button').click();
    await tab.waitForURL(/from=1/);
    expect(await text('[data-field=consistency]')).toMatch(/^The tree of size 1 .* verified/);
  });

  it('shows a deactivated DID from the other region, as deactivated', async () => {
    await tab.goto(`${base('ap')}/explorer/dids/${encodeURIComponent(deactivated)}`);
    expect(await text('[data-field=state]')).toMatch(/^deactivated/);
    const last = await text('table.timeline tbody tr:last-child');
    expect(last).toMatch(/deactivate/);
    expect(last).toContain('keys removed: #key-1');
  });

  it('shows a status list: its size and how many are set, as the signed list says, never which', async () => {
    await tab.goto(`${base('ap')}/explorer/status-lists`);
    await tab.locator(`a:text-is("${listId}")`).click();
    const token = await (await fetch(`${base('ap')}/status-lists/${listId}`)).text();
    const subject = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).credentialSubject;
    const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), 'base64url'));
    const set = [...bits].reduce((n, byte) => n + byte.toString(2).replace(/0/g, '').length, 0);
    expect(set).toBe(1);
    expect(await text('[data-field=size]')).toBe(String(bits.length * 8));
    expect(await text('[data-field=set]')).toBe(String(set));
    expect(await text('[data-field=purpose]')).toBe('revocation');
    expect(await tab.content()).not.toMatch(/statusListIndex|index \d{3,}/);
  });

  it('shows the trust list with the accreditation and the withdrawal, and the policy', async () => {
    await tab.goto(`${base('ap')}/explorer/trust`);
    const trust = await getJson<any>(base('ap'), '/trust/issuers');
    expect(await tab.locator('table.accreditations tbody tr').count()).toBe(trust.accreditations.length);
    expect(await text('table.accreditations')).toContain('UniversityDegreeCredential');
    expect(await text('table.withdrawals')).toContain(withdrawnAccreditation);
    await tab.locator('nav a:text-is("Policy")').click();
    await tab.waitForURL(/\/policy$/);
    expect(await text('main')).toContain('kept whole');
    await tab.goto(`${base('eu')}/explorer/policy`);
    expect(await text('main')).toContain('UniversityDegreeCredential');
  });

  it('searches from the box, and explains a miss on a 404 page', async () => {
    await tab.goto(`${base('eu')}/explorer`);
    await tab.locator('input[name=q]').fill(updated);
    await tab.locator('form.search button').click();
    await tab.waitForURL(/\/explorer\/dids\//);
    expect(await text('main p.mono')).toBe(updated);
    await tab.locator('input[name=q]').fill('what is this');
    const [response] = await Promise.all([tab.waitForResponse(/\/explorer\/search/), tab.locator('form.search button').click()]);
    expect(response.status()).toBe(404);
    expect(await text('h1')).toBe('Not found');
    expect(await text('[data-field=detail]')).toMatch(/^Nothing found/);
  });

  it('renders a hostile DID as text, running nothing', async () => {
    const response = await tab.goto(`${base('eu')}/explorer/dids/${encodeURIComponent(HOSTILE_DID)}`);
    expect(response!.status()).toBe(400);
    expect(await text('[data-field=detail]')).toContain('<script>alert(1)</script>');
    expect(await tab.locator('script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});


describe('a ledger copy altered in the database', () => {
  it('shows the consistency check as failed', async () => {
    const db = dbOf(net.eu);
    const [{ root_hash: kept }] = (await db.query("SELECT root_hash FROM ledger_entry WHERE log = 'eu' AND idx = 1")) as { root_hash: string }[];
    const size = (await (await fetch(`${base('eu')}/ledger/eu/checkpoint`)).text()).split('\n')[1];
    const consistency = async () => /<p data-field="consistency">[^]*?<span class="(verified|failed)">/.exec(await (await page('eu', `/explorer/logs/eu/checkpoints/${size}?from=2`)).text())?.[1];
    expect(await consistency()).toBe('verified');
    const forged = Buffer.alloc(32, 7).toString('base64');
    await tamperWithLedger(db, `UPDATE ledger_entry SET root_hash = '${forged}' WHERE log = 'eu' AND idx = 1`);
    try {
      expect(await consistency()).toBe('failed');
    } finally {
      await tamperWithLedger(db, `UPDATE ledger_entry SET root_hash = '${kept}' WHERE log = 'eu' AND idx = 1`);
    }
  });
});

import { generateKeyPairSync, sign } from 'node:crypto';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson as post } from './support/http.js';
import { dbOf, getJson, logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN, type TestRegion } from './support/region.js';

// Claim values no other data in a test run contains: if they show up anywhere in ap, or on the
// ledger, or in either region's logs, personal data has left the issuing region.
const PERSONAL = {
  name: 'Xanthippe Quarrington-Vell',
  birthDate: '1911-11-11',
  nationality: 'Zembla-Residency-4471',
  email: 'xq.residency@nowhere.example',
  studentNumber: 'RES-99173-QZ',
};
const holder = generateKeyPairSync('ed25519');
const holderJwk = holder.publicKey.export({ format: 'jwk' });
const wallet = new SDJwtVcInstance({
  hasher: digest,
  kbSignAlg: 'EdDSA',
  kbSigner: (data: string) => sign(null, Buffer.from(data), holder.privateKey).toString('base64url'),
});

let net: TwoRegions;
const logs: string[] = [];
/** Everything that carries claim values in encoded form: tokens, their signatures, disclosures. */
const secrets: string[] = Object.values(PERSONAL);

/** Every row of every table of a region's database, as text. */
async function everyTable(region: TestRegion): Promise<Map<string, string>> {
  const db = dbOf(region);
  const tables: { name: string }[] =
    db.options.type === 'postgres'
      ? await db.query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
      : await db.query(`SELECT name FROM sqlite_master WHERE type = 'table'`);
  const out = new Map<string, string>();
  for (const { name } of tables) out.set(name, JSON.stringify(await db.query(`SELECT * FROM "${name}"`)));
  return out;
}

/** Every entry of a log as the region serves it to the other region. */
async function servedEntries(base: string, log: string): Promise<string> {
  const all: unknown[] = [];
  for (let start: number | null = 0; start !== null; ) {
    const page: { entries: unknown[]; next: number | null } = await getJson<{ entries: unknown[]; next: number | null }>(base, `/ledger/${log}/entries?start=${start}&limit=1000`);
    all.push(...page.entries);
    start = page.next;
  }
  return JSON.stringify(all);
}

beforeAll(async () => {
  net = await startTwoRegions({ LOG_LEVEL: 'trace' }, logs);
  const apiKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Residency University' }, ADMIN_TOKEN)).body.apiKey;
  const did = (await post(net.eu.url!, '/1.0/create?method=isthmus', {}, apiKey)).body.didState.did;
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential', 'StudentCredential'],
    issuer: did,
    credentialSubject: { id: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK', ...PERSONAL },
  };
  const sd = Object.keys(PERSONAL).map((k) => `/credentialSubject/${k}`);
  const holderKey = { kty: 'OKP', crv: 'Ed25519', x: holderJwk.x };
  const issued: { format: string; token: string }[] = [];
  for (const options of [
    { format: 'vc+jwt', status: ['revocation', 'suspension'] },
    { format: 'jwt_vc_json', status: ['revocation'] },
    { format: 'vc+sd-jwt', selectivelyDisclosable: sd, holder: holderKey, status: ['revocation'] },
    { format: 'dc+sd-jwt', selectivelyDisclosable: sd, holder: holderKey, status: ['revocation', 'suspension'] },
  ]) {
    const res = await post(net.eu.url!, '/credentials/issue', { credential, options }, apiKey);
    expect(res.status).toBe(201);
    const token = String(res.body.verifiableCredential.id).split(',')[1]!;
    issued.push({ format: options.format, token });
    secrets.push(token.split('~')[0]!.split('.')[2]!, ...token.split('~').slice(1).filter((d) => d !== ''));
    // Status changes travel to the ledger; their inputs must not carry anything personal.
    expect((await post(net.eu.url!, '/credentials/status', { credentialId: res.body.credentialId, credentialStatus: [{ type: options.format === 'dc+sd-jwt' ? 'TokenStatusList' : 'BitstringStatusListEntry', status: 'revoked' }] }, apiKey)).status).toBe(200);
  }
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold the eu log');
  // Relying parties in ap verify everything, including a presentation with key binding.
  for (const { token } of issued) expect((await post(net.ap.url!, '/credentials/verify', { verifiableCredential: token })).status).toBe(400); // revoked
  const sdToken = issued.find((i) => i.format === 'dc+sd-jwt')!.token;
  const presentation = await wallet.present(sdToken, { birthDate: true } as never, { kb: { payload: { nonce: 'n-1', aud: 'https://rp.ap.example', iat: Math.floor(Date.now() / 1000) } } });
  const verdict = await post(net.ap.url!, '/presentations/verify', { verifiablePresentation: presentation, options: { challenge: 'n-1', domain: 'https://rp.ap.example' } });
  expect(verdict.body.errors.map((e: { check: string }) => e.check)).toEqual(['status:revocation']);
});
afterAll(async () => {
  await net?.close();
});

describe('data residency', () => {
  it('ap’s database holds none of the personal data of credentials issued in eu and verified in ap', async () => {
    const tables = await everyTable(net.ap);
    expect(tables.size).toBeGreaterThan(5);
    expect(tables.get('ledger_entry')).toContain('status-list'); // the search looks where the replicated data is
    for (const [table, rows] of tables) for (const secret of secrets) expect(rows.includes(secret), `${table} contains ${secret.slice(0, 24)}…`).toBe(false);
  });

  it('no replicated entry of either log carries personal data', async () => {
    for (const [region, log] of [['eu', 'eu'], ['ap', 'eu'], ['ap', 'ap']] as const) {
      const entries = await servedEntries(net[region].url!, log);
      for (const secret of secrets) expect(entries.includes(secret), `${region}/${log} entries contain ${secret.slice(0, 24)}…`).toBe(false);
    }
  });

  it('eu keeps issuance records without claim values', async () => {
    const records = (await everyTable(net.eu)).get('credential_record')!;
    expect(records).toContain('StudentCredential');
    for (const value of Object.values(PERSONAL)) expect(records.includes(value)).toBe(false);
  });

  it('neither region’s logs, at trace level, contain claim values or tokens', () => {
    expect(logs.length).toBeGreaterThan(50);
    const text = logs.join('\n');
    expect(text).toContain('/credentials/verify'); // the requests were logged, their bodies not
    for (const secret of secrets) expect(text.includes(secret), `logs contain ${secret.slice(0, 24)}…`).toBe(false);
  });
});

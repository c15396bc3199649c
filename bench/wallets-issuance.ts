import { receiveCredentials, walletKey } from '../src/cli/oid4vci-wallet.js';
import { inFlight, type BenchContext } from './support.js';

/**
 * OpenID4VCI issuance over HTTP (docs/wallets.md): full pre-authorized flows per second — the
 * tenant's offer, then the library's wallet (offer object, both metadata documents, token with
 * DPoP and its nonce round trip, c_nonce, one key proof, credential) — against plain
 * `POST /credentials/issue` per second of the same credential, measured in the same run.
 * Wiring: bench/run.ts calls it with the regions' URLs and the admin token.
 */
const FLOWS = Number(process.env.BENCH_OID4VCI_FLOWS ?? 200);
const IN_FLIGHT = 8;

async function post(url: string, body: unknown, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}


export async function benchIssuanceFlow(ctx: BenchContext): Promise<void> {
  const eu = ctx.urls.eu ?? Object.values(ctx.urls)[0];
  if (!eu) throw new Error('benchIssuanceFlow needs a region URL');
  const tenant = await post(`${eu}/admin/issuers`, { name: 'Bench wallets issuer' }, ctx.adminToken);
  const apiKey = String(tenant.apiKey);
  const did = String(((await post(`${eu}/1.0/create?method=isthmus`, {}, apiKey)).didState as { did: string }).did);
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential', 'PersonCredential'],
    issuer: did,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { givenName: 'Ada', birthDate: '1990-04-01' },
  };
  const options = { format: 'dc+sd-jwt', selectivelyDisclosable: ['/credentialSubject/birthDate'], status: ['revocation'] };
  const holder = walletKey();

  const plainIssue = async () => void (await post(`${eu}/credentials/issue`, { credential, options: { ...options, holder: holder.publicJwk } }, apiKey));
  const flow = async () => {
    const offer = await post(`${eu}/oid4vci/offers`, { credential, options: { ...options, txCode: '493817' } }, apiKey);
    const received = await receiveCredentials(String(offer.credentialOffer), { proofKeys: [walletKey()], txCode: '493817' });
    if (received.credentials.length !== 1) throw new Error('the credential endpoint answered no credential');
  };
  for (let i = 0; i < 3; i++) {
    await plainIssue();
    await flow();
  }

  const plain = await inFlight(FLOWS, IN_FLIGHT, plainIssue);
  const full = await inFlight(FLOWS, IN_FLIGHT, flow);
  ctx.row({ what: `issue dc+sd-jwt with POST /credentials/issue (eu), ${IN_FLIGHT} in flight`, value: plain.perSecond, unit: 'ops/s', p50: plain.p50, p99: plain.p99 });
  ctx.row({
    what: `OpenID4VCI pre-authorized issuance of a dc+sd-jwt (offer → metadata → token with DPoP and tx_code → nonce → credential; the wallet's crypto included), ${IN_FLIGHT} in flight`,
    value: full.perSecond,
    unit: 'issuances/s',
    baseline: 'POST /credentials/issue dc+sd-jwt',
    ratio: full.perSecond / plain.perSecond,
    p50: full.p50,
    p99: full.p99,
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read loosely here */
/**
 * OpenID4VP presentation rounds per second (docs/wallets.md, "Presentation"): a relying party in
 * one region creates a request, the wallet fetches the request object, presents a holder-bound
 * dc+sd-jwt with a key-binding JWT over the request's nonce and client id, posts the response,
 * and the relying party reads the result; beside it, plain POST /presentations/verify of the
 * same kind of presentation in the same run, and the ratio of the two.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { inFlight, type BenchContext } from './support.js';

const ROUNDS = Number(process.env.BENCH_OID4VP_ROUNDS ?? 200);
const CONCURRENCY = 8;
const VCT = 'https://bench.example/PersonCredential';

async function call(method: 'GET' | 'POST', url: string, body?: unknown, token?: string, form = false): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
  let payload: string | undefined;
  if (body !== undefined && form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(body as Record<string, string>).toString();
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(url, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
  return { status: res.status, text: await res.text() };
}

async function json(method: 'GET' | 'POST', url: string, body?: unknown, token?: string): Promise<any> {
  const res = await call(method, url, body, token);
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

export async function benchPresentationFlow(ctx: BenchContext): Promise<void> {
  const [issuerRegion, verifierRegion] = [ctx.urls.eu ?? Object.values(ctx.urls)[0]!, ctx.urls.ap ?? Object.values(ctx.urls).at(-1)!];
  const holder = generateKeyPairSync('ed25519');
  const x = holder.publicKey.export({ format: 'jwk' }).x!;
  const wallet = new SDJwtVcInstance({ hasher: digest, kbSignAlg: 'EdDSA', kbSigner: (data: string) => sign(null, Buffer.from(data), holder.privateKey).toString('base64url') });

  const issuerKey = (await json('POST', `${issuerRegion}/admin/issuers`, { name: 'Bench Registry' }, ctx.adminToken)).apiKey as string;
  const issuerDid = (await json('POST', `${issuerRegion}/1.0/create?method=isthmus`, {}, issuerKey)).didState.did as string;
  const rpKey = (await json('POST', `${verifierRegion}/admin/issuers`, { name: 'Bench Relying Party' }, ctx.adminToken)).apiKey as string;
  const rpDid = (await json('POST', `${verifierRegion}/1.0/create?method=isthmus`, {}, rpKey)).didState.did as string;
  const issued = await json(
    'POST',
    `${issuerRegion}/credentials/issue`,
    {
      credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'PersonCredential'], issuer: issuerDid, credentialSubject: { givenName: 'Ada', birthDate: '1990-04-01', nationality: 'NL' } },
      options: { format: 'dc+sd-jwt', vct: VCT, holder: { kty: 'OKP', crv: 'Ed25519', x }, selectivelyDisclosable: ['/credentialSubject/birthDate', '/credentialSubject/nationality'] },
    },
    issuerKey,
  );
  const id = issued.verifiableCredential.id as string;
  const token = id.slice(id.indexOf(',') + 1);
  // The verifier's region must mirror the issuer's DID before it can verify (replication).
  for (const deadline = Date.now() + 30_000; (await call('GET', `${verifierRegion}/1.0/identifiers/${encodeURIComponent(issuerDid)}`)).status !== 200; ) {
    if (Date.now() > deadline) throw new Error('the verifier region never mirrored the issuer DID');
    await new Promise((r) => setTimeout(r, 100));
  }
  const present = (nonce: string, aud: string) => wallet.present(token, { birthDate: true } as never, { kb: { payload: { nonce, aud, iat: Math.floor(Date.now() / 1000) } } });
  const dcql = { credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: [VCT] }, claims: [{ path: ['birthDate'] }] }] };

  const round = async (): Promise<void> => {
    const created = await json('POST', `${verifierRegion}/oid4vp/requests`, { clientDid: rpDid, dcql, purpose: 'identification' }, rpKey);
    const jar = await call('GET', created.requestUri);
    if (jar.status !== 200) throw new Error(`request object → ${jar.status} ${jar.text}`);
    const request = JSON.parse(Buffer.from(jar.text.split('.')[1]!, 'base64url').toString());
    const vp = await present(request.nonce, request.client_id);
    const answered = await call('POST', request.response_uri, { vp_token: JSON.stringify({ pid: [vp] }), state: request.state }, undefined, true);
    if (answered.status !== 200) throw new Error(`response → ${answered.status} ${answered.text}`);
    const result = await json('GET', `${verifierRegion}/oid4vp/requests/${created.id}`, undefined, rpKey);
    if (result.state !== 'completed') throw new Error(`request ${created.id} is ${result.state}: ${JSON.stringify(result.result)}`);
  };
  const plain = async (): Promise<void> => {
    const nonce = randomBytes(16).toString('base64url');
    const vp = await present(nonce, 'https://rp.example');
    const res = await call('POST', `${verifierRegion}/presentations/verify`, { verifiablePresentation: vp, options: { challenge: nonce, domain: 'https://rp.example' } });
    if (res.status !== 200) throw new Error(`verify → ${res.status} ${res.text.slice(0, 300)}`);
  };

  await inFlight(10, 2, round); // warm-up: caches of DID documents and keys
  await inFlight(10, 2, plain);
  const verify = await inFlight(ROUNDS, CONCURRENCY, plain);
  const rounds = await inFlight(ROUNDS, CONCURRENCY, round);
  ctx.row({ what: 'POST /presentations/verify (dc+sd-jwt with KB-JWT, other region’s credential)', value: Number(verify.perSecond.toFixed(1)), unit: 'verifications/s', p50: verify.p50, p99: verify.p99 });
  ctx.row({
    what: 'OpenID4VP round (create request → request object → direct_post response → result)',
    value: Number(rounds.perSecond.toFixed(1)),
    unit: 'rounds/s',
    baseline: 'POST /presentations/verify',
    ratio: Number((rounds.perSecond / verify.perSecond).toFixed(3)),
    p50: rounds.p50,
    p99: rounds.p99,
  });
}

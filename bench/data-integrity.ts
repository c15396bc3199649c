/**
 * Data Integrity (docs/data-integrity.md): issue and verify per cryptosuite over the HTTP API
 * (issue in eu, verify in ap), each as a ratio to the same Digital Bazaar library signing and
 * verifying in this process with a key in memory and an in-memory document loader: what the
 * service adds (HTTP, keys, policy, status, anchoring, key tenure, the offline loader).
 * The lead wires `benchDataIntegrity` into bench/run.ts.
 */
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { ALGORITHMS, generateBbsKeyPair } from '@digitalbazaar/bls12-381-multikey';
import { createDiscloseCryptosuite as bbsDisclose } from '@digitalbazaar/bbs-2023-cryptosuite';
import { createDiscloseCryptosuite as ecdsaSdDisclose } from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import { derive, issue, verifyCredential, type DocumentLoader, type MultikeyPair } from '@digitalbazaar/vc';
import { CRYPTOSUITES, isSelectiveSuite, type Cryptosuite } from '../src/domain/credentials/data-integrity.js';
import { SHIPPED_CONTEXTS } from '../src/domain/credentials/data-integrity-loader.js';
import { signingCryptosuite, verifyingCryptosuite } from '../src/modules/data-integrity/suites.js';
import { inFlight, type BenchContext } from './support.js';

const HTTP_ISSUES = 200;
const HTTP_VERIFIES = 300;
/** bbs-2023 (pure-JS pairings) is two orders of magnitude slower: fewer operations keep the run short. */
const BBS_SHARE = 5;
const IN_FLIGHT = 16;

/** Sequential in-process operations per second over about `seconds`. */
async function perSecond(run: () => Promise<unknown>, seconds = 1.5): Promise<number> {
  await run(); // warm-up: contexts, key import
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  while (performance.now() < end) {
    await run();
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const credentialOf = (issuer: string) => ({
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/undefined-terms/v2'],
  type: ['VerifiableCredential', 'BenchCredential'],
  issuer,
  credentialSubject: Object.fromEntries([['id', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'], ...Array.from({ length: 8 }, (_, i) => [`claim${i}`, `value ${i}`])]),
});

/** The library alone: a key pair in memory, the contexts and that key from a Map. */
async function inProcess(suite: Cryptosuite): Promise<{ sign: number; verify: number }> {
  const did = 'did:example:bench';
  const id = `${did}#key-1`;
  const pair: MultikeyPair = suite.startsWith('eddsa')
    ? await Ed25519Multikey.generate({ id, controller: did })
    : suite === 'bbs-2023'
      ? await generateBbsKeyPair({ algorithm: ALGORITHMS.BBS_BLS12381_SHA256, id, controller: did })
      : await EcdsaMultikey.generate({ curve: 'P-256', id, controller: did });
  const method = await pair.export({ publicKey: true, includeContext: true });
  const { '@context': _context, ...bare } = method;
  const documents = new Map<string, unknown>([...SHIPPED_CONTEXTS, [pair.id, method], [did, { '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: did, verificationMethod: [bare], assertionMethod: [pair.id] }]]);
  const documentLoader: DocumentLoader = async (url) => {
    if (!documents.has(url)) throw new Error(`not in the bench loader: ${url}`);
    return { document: documents.get(url), documentUrl: url, contextUrl: null };
  };
  const credential = credentialOf(did);
  const mandatoryPointers = isSelectiveSuite(suite) ? ['/issuer', '/type'] : undefined;
  const sign = () => issue({ credential: structuredClone(credential), suite: new DataIntegrityProof({ signer: pair.signer(), cryptosuite: signingCryptosuite(suite, mandatoryPointers) }), documentLoader });
  let signed = await sign();
  if (isSelectiveSuite(suite)) signed = await disclose(suite, signed, documentLoader);
  const verify = async () => {
    const result = await verifyCredential({ credential: signed, suite: new DataIntegrityProof({ cryptosuite: verifyingCryptosuite(suite) }), documentLoader });
    if (!result.verified) throw new Error(`${suite} did not verify in-process: ${result.error?.message}`);
  };
  return { sign: await perSecond(sign), verify: await perSecond(verify) };
}

/** Sign and verify per suite over HTTP against the library in-process, as ratios. */
export async function benchDataIntegrity(ctx: BenchContext): Promise<void> {
  const { urls, row } = ctx;
  const { apiKey } = (await postJson(`${urls.eu}/admin/issuers`, { name: 'Bench Data Integrity' }, ctx.adminToken)).body as { apiKey: string };
  const didOf = async (keyType: string) => ((await postJson(`${urls.eu}/1.0/create?method=isthmus`, { options: { keyType, verificationMethodType: 'Multikey' } }, apiKey)).body.didState as { did: string }).did;
  const dids = { Ed25519: await didOf('Ed25519'), 'P-256': await didOf('P-256'), Bls12381G2: await didOf('Bls12381G2') };
  // ap verifies from its own ledger copy: wait until it resolves both DIDs.
  for (const did of Object.values(dids)) {
    for (let tries = 0; (await fetch(`${urls.ap}/1.0/identifiers/${encodeURIComponent(did)}`)).status !== 200; tries++) {
      if (tries > 400) throw new Error(`ap does not resolve ${did}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  for (const suite of CRYPTOSUITES) {
    const baseline = await inProcess(suite);
    const issuer = suite.startsWith('eddsa') ? dids.Ed25519 : suite === 'bbs-2023' ? dids.Bls12381G2 : dids['P-256'];
    const options = { format: 'ldp_vc', cryptosuite: suite, ...(isSelectiveSuite(suite) ? { mandatoryPointers: ['/issuer', '/type'] } : {}) };
    const credentials: Record<string, unknown>[] = [];
    const share = suite === 'bbs-2023' ? BBS_SHARE : 1;
    const issued = await inFlight(HTTP_ISSUES / share, IN_FLIGHT, async () => {
      const res = await postJson(`${urls.eu}/credentials/issue`, { credential: credentialOf(issuer), options }, apiKey);
      if (res.status !== 201) throw new Error(`issue ${suite} answered ${res.status}: ${JSON.stringify(res.body)}`);
      credentials.push(res.body.verifiableCredential as Record<string, unknown>);
    });
    row({ what: `issue ldp_vc ${suite} over HTTP (eu), ${IN_FLIGHT} in flight`, value: issued.perSecond, unit: 'ops/s', baseline: `${suite} sign in-process`, ratio: issued.perSecond / baseline.sign, p50: issued.p50, p99: issued.p99 });
    // A holder derives once per credential (selective suites): what a relying party receives.
    const presented = isSelectiveSuite(suite) ? await Promise.all(credentials.slice(0, 20).map((vc) => disclose(suite, vc, offline))) : credentials;
    const verified = await inFlight(HTTP_VERIFIES / share, IN_FLIGHT, async (i) => {
      const res = await postJson(`${urls.ap}/credentials/verify`, { verifiableCredential: presented[i % presented.length] });
      if (res.status !== 200) throw new Error(`verify ${suite} answered ${res.status}: ${JSON.stringify(res.body.errors)}`);
    });
    row({ what: `verify ldp_vc ${suite}${isSelectiveSuite(suite) ? ' (derived)' : ''} over HTTP (ap), ${IN_FLIGHT} in flight`, value: verified.perSecond, unit: 'ops/s', baseline: `${suite} verify in-process`, ratio: verified.perSecond / baseline.verify, p50: verified.p50, p99: verified.p99 });
  }
}

/** Contexts only: all a holder's derivation needs. */
const offline: DocumentLoader = async (url) => {
  const context = SHIPPED_CONTEXTS.get(url);
  if (context) return { document: context, documentUrl: url, contextUrl: null };
  throw new Error(`not needed to derive: ${url}`);
};

/** The holder's derivation (ecdsa-sd-2023, bbs-2023): one claim disclosed beside the mandatory ones. */
function disclose(suite: Cryptosuite, credential: Record<string, unknown>, documentLoader: DocumentLoader): Promise<Record<string, unknown>> {
  const cryptosuite = (suite === 'bbs-2023' ? bbsDisclose : ecdsaSdDisclose)({ selectivePointers: ['/credentialSubject/claim0'] });
  return derive({ verifiableCredential: credential, suite: new DataIntegrityProof({ cryptosuite }), documentLoader });
}

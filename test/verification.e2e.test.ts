/* eslint-disable @typescript-eslint/no-explicit-any -- the JSON answers are read loosely in this test */
/**
 * Time claims (RFC 7519) and presentations (who presents, and when), attacked from outside:
 * tokens forged or signed by the test with its own did:key, a wallet made of reference
 * libraries, and a relying party in the other region than the issuer.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { EdDSASigner } from 'did-jwt';
import { createVerifiablePresentationJwt } from 'did-jwt-vc';
import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519DidKey } from './support/independent.js';
import { postJson as post } from './support/http.js';
import { logStatus, startTwoRegions, waitFor, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN } from './support/region.js';

let net: TwoRegions;
let apiKey: string;
let issuerDid: string;
const NOW = () => Math.floor(Date.now() / 1000);
const DAY = 86_400;
const SUBJECT = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const FORMATS = ['vc+jwt', 'jwt_vc_json', 'vc+sd-jwt', 'dc+sd-jwt'] as const;
type Format = (typeof FORMATS)[number];

/** A party with an Ed25519 key and the did:key naming it. */
function party() {
  const key = generateKeyPairSync('ed25519');
  const jwk = key.publicKey.export({ format: 'jwk' });
  const did = ed25519DidKey(Buffer.from(jwk.x!, 'base64url'));
  return { key, jwk, did, kid: `${did}#${did.slice(8)}`, seed: new Uint8Array(key.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32)) };
}
const outsideIssuer = party();

const jws = (header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as never).sign(key);
const unsigned = (header: Record<string, unknown>, payload: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${Buffer.alloc(64, 7).toString('base64url')}`;

/** A token of `format` issued by the outside did:key issuer, with `extra` claims at the JWT level; signed, or with a garbage signature. */
async function token(format: Format, extra: Record<string, unknown>, signed = true): Promise<string> {
  const { did, kid, key } = outsideIssuer;
  const vcdm2 = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'UniversityDegreeCredential'], issuer: did, credentialSubject: { id: SUBJECT, degree: 'MSc' } };
  const shapes: Record<Format, [Record<string, unknown>, Record<string, unknown>]> = {
    'vc+jwt': [{ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid }, { ...vcdm2, iat: NOW(), ...extra }],
    jwt_vc_json: [
      { alg: 'EdDSA', typ: 'JWT', kid },
      { iss: did, sub: SUBJECT, iat: NOW(), nbf: NOW(), vc: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiableCredential'], credentialSubject: { degree: 'MSc' } }, ...extra },
    ],
    'vc+sd-jwt': [{ alg: 'EdDSA', typ: 'vc+sd-jwt', cty: 'vc', kid }, { ...vcdm2, _sd_alg: 'sha-256', iat: NOW(), ...extra }],
    'dc+sd-jwt': [{ alg: 'EdDSA', typ: 'dc+sd-jwt', kid }, { iss: did, sub: SUBJECT, vct: 'https://example.org/vct/degree', _sd_alg: 'sha-256', iat: NOW(), degree: 'MSc', ...extra }],
  };
  const [header, payload] = shapes[format];
  const jwt = signed ? await jws(header, payload, key.privateKey) : unsigned(header, payload);
  return format.includes('sd-jwt') ? `${jwt}~` : jwt;
}

const enveloped = (format: Format, t: string) => ({ '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/${format},${t}` });
const verifyCredential = (vc: unknown, options?: Record<string, unknown>) => post(net.ap.url!, '/credentials/verify', { verifiableCredential: vc, ...(options ? { options } : {}) });
const verifyPresentation = (vp: unknown, options?: Record<string, unknown>) => post(net.ap.url!, '/presentations/verify', { verifiablePresentation: vp, ...(options ? { options } : {}) });
const failed = (body: Record<string, any>) => (body.errors as { check: string }[]).map((e) => e.check);
const detailOf = (body: Record<string, any>, check: string) => (body.errors as { check: string; detail: string }[]).find((e) => e.check === check)?.detail;
const warned = (body: Record<string, any>) => (body.warnings as { check: string }[]).map((w) => w.check);
const tokenOf = (vc: { id: string }) => vc.id.slice(vc.id.indexOf(',') + 1);

beforeAll(async () => {
  net = await startTwoRegions();
  apiKey = (await post(net.eu.url!, '/admin/issuers', { name: 'Freshness University' }, ADMIN_TOKEN)).body.apiKey;
  issuerDid = (await post(net.eu.url!, '/1.0/create?method=isthmus', { options: { verificationMethodType: 'Multikey' } }, apiKey)).body.didState.did;
});
afterAll(async () => {
  await net?.close();
});

const synced = async () => {
  const size = Number((await (await fetch(`${net.eu.url}/ledger/eu/checkpoint`)).text()).split('\n')[1]);
  await waitFor(async () => (await logStatus(net.ap, 'eu')).acceptedSize >= size, 'ap to hold eu log');
};
const issue = async (format: Format, subject: Record<string, unknown>, options: Record<string, unknown> = {}) => {
  const res = await post(
    net.eu.url!,
    '/credentials/issue',
    { credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'UniversityDegreeCredential'], issuer: issuerDid, credentialSubject: subject }, options: { format, ...options } },
    apiKey,
  );
  expect(res.status).toBe(201);
  return res.body.verifiableCredential as { id: string };
};

describe('malformed time claims are a failed check, never a 500', () => {
  const values: [string, unknown][] = [
    ['1e20', 1e20],
    ['-1e20', -1e20],
    ['an object', { seconds: 1 }],
    ['a string', '1767225600'],
    ['an array', [1767225600]],
  ];
  it.each(FORMATS)('%s: iat, nbf and exp, signed and unsigned, answer 400 failing validity and naming the claim', async (format) => {
    for (const claim of ['iat', 'nbf', 'exp']) {
      for (const [what, value] of values) {
        for (const signed of [true, false]) {
          const result = await verifyCredential(enveloped(format, await token(format, { [claim]: value }, signed)));
          const context = `${format} ${claim} = ${what}, ${signed ? 'signed' : 'unsigned'}`;
          expect(result.status, context).toBe(400);
          expect(result.body.verified, context).toBe(false);
          expect(failed(result.body), context).toEqual(['validity']);
          expect(detailOf(result.body, 'validity'), context).toMatch(new RegExp(`^${claim} must be a NumericDate`));
        }
      }
    }
  });

  it('vc+jwt and vc+sd-jwt: validFrom / validUntil that are not dateTimes fail validity', async () => {
    for (const format of ['vc+jwt', 'vc+sd-jwt'] as const) {
      for (const [claim, value] of [
        ['validUntil', 'not a date'],
        ['validFrom', '+275760-09-13T00:00:00Z'],
        ['validUntil', 4070908800],
        ['validFrom', { at: 'now' }],
      ] as const) {
        const result = await verifyCredential(await token(format, { [claim]: value }));
        expect(result.status, `${format} ${claim}`).toBe(400);
        expect(detailOf(result.body, 'validity'), `${format} ${claim}`).toMatch(new RegExp(`^${claim} must be an XML Schema dateTime`));
      }
    }
  });

  it('a clockSkewSeconds that is not a number from 0 to 300 is refused, naming it (it used to switch the validity check off)', async () => {
    const expired = await token('vc+jwt', { validUntil: '2026-01-01T00:00:00Z' });
    for (const clockSkewSeconds of ['soon', { a: 1 }, 301, -1]) {
      const result = await verifyCredential(expired, { clockSkewSeconds });
      expect(result.status).toBe(400);
      expect(result.body.errors[0].pointer).toBe('/options/clockSkewSeconds');
    }
    expect(failed((await verifyCredential(expired, { clockSkewSeconds: 300 })).body)).toEqual(['validity']);
  });
});

describe('exp, nbf and iat are honoured in every format (RFC 7519)', () => {
  it.each(FORMATS)('%s signed by a real issuer: valid now, fails when expired 30 days ago, not yet valid, or issued in the future', async (format) => {
    const good = await verifyCredential(enveloped(format, await token(format, { exp: NOW() + DAY })));
    expect(good.body.errors).toEqual([]);
    expect(good.status).toBe(200);
    const expired = await verifyCredential(enveloped(format, await token(format, { exp: NOW() - 30 * DAY })));
    expect(failed(expired.body)).toEqual(['validity']);
    expect(detailOf(expired.body, 'validity')).toMatch(/^expired at .*\(exp\)$/);
    const early = await verifyCredential(enveloped(format, await token(format, { nbf: NOW() + DAY })));
    expect(failed(early.body)).toEqual(['validity']);
    expect(detailOf(early.body, 'validity')).toMatch(/^not valid before .*\(nbf\)$/);
    const future = await verifyCredential(enveloped(format, await token(format, { iat: NOW() + DAY })));
    expect(failed(future.body)).toContain('validity');
    expect(detailOf(future.body, 'validity')).toMatch(/issued in the future/);
  });

  it('an SD-JWT cannot take its time claims from a disclosure (the holder could hide them)', async () => {
    for (const format of ['vc+sd-jwt', 'dc+sd-jwt'] as const) {
      const disclosure = Buffer.from(JSON.stringify(['c2FsdC1zYWx0LXNhbHQ', 'exp', NOW() - 30 * DAY])).toString('base64url');
      const sd = createHash('sha256').update(disclosure).digest('base64url');
      const withIt = `${(await token(format, { _sd: [sd] })).slice(0, -1)}~${disclosure}~`;
      const result = await verifyCredential(enveloped(format, withIt));
      expect(failed(result.body), format).toEqual(['disclosures']);
      expect(detailOf(result.body, 'disclosures')).toMatch(/carries exp/);
    }
  });

  it('the clock skew applies to exp alike: 120 s expired passes only with clockSkewSeconds 300', async () => {
    const justExpired = await token('vc+sd-jwt', { exp: NOW() - 120 });
    expect(failed((await verifyCredential(justExpired)).body)).toEqual(['validity']);
    expect((await verifyCredential(justExpired, { clockSkewSeconds: 300 })).status).toBe(200);
  });
});

describe('VP JWT presentations prove who presents, and when', () => {
  const holder = party();
  const stranger = party();
  let own: string;
  let someoneElses: string;
  let boundToHolder: string;

  beforeAll(async () => {
    own = tokenOf(await issue('jwt_vc_json', { id: holder.did, degree: 'PhD' }));
    someoneElses = tokenOf(await issue('jwt_vc_json', { id: stranger.did, degree: 'PhD' }));
    // Not the subject, but bound to the holder's key (cnf): the holder may present it.
    boundToHolder = tokenOf(await issue('vc+sd-jwt', { id: stranger.did, degree: 'PhD' }, { holder: { kty: 'OKP', crv: 'Ed25519', x: holder.jwk.x } }));
    await synced();
  });

  // The holder's wallet: did-jwt-vc, not our code.
  const present = (credentials: string[], claims: Record<string, unknown> = { nonce: 'c-1', aud: 'https://rp.example' }, by = holder) =>
    createVerifiablePresentationJwt(
      { vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: credentials }, holder: by.did, ...claims } as never,
      { did: by.did, signer: EdDSASigner(by.seed), alg: 'EdDSA' },
    );
  /** A VP JWT with exactly these claims (no iat added), signed by the holder. */
  const bare = (credentials: string[], claims: Record<string, unknown> = {}) =>
    jws({ alg: 'EdDSA', typ: 'JWT' }, { iss: holder.did, vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: credentials }, ...claims }, holder.key.privateKey);
  const asked = { challenge: 'c-1', domain: 'https://rp.example' };

  it('the subject presenting its own credential verifies; a credential bound to its key too', async () => {
    expect((await verifyPresentation(await present([own]), asked)).status).toBe(200);
    const result = await verifyPresentation(await bare([own, boundToHolder], { nonce: 'c-1', aud: 'https://rp.example' }), asked);
    expect(result.body.errors).toEqual([]);
    expect(result.status).toBe(200);
    expect(result.body.credential.verifiableCredential).toHaveLength(2);
  });

  it('a holder presenting a credential whose subject is someone else fails, naming the credential', async () => {
    const result = await verifyPresentation(await present([own, someoneElses]), asked);
    expect(result.status).toBe(400);
    expect(failed(result.body)).toEqual(['credential-1:presenter']);
    expect(detailOf(result.body, 'credential-1:presenter')).toContain(`its subject is ${stranger.did}`);
    expect(result.body.credential).toBeNull();
  });

  it('without challenge, audience, iat or exp it fails freshness, and passes only with the explicit waiver, which is warned', async () => {
    const vp = await bare([own]);
    const refused = await verifyPresentation(vp);
    expect(refused.status).toBe(400);
    expect(failed(refused.body)).toEqual(['freshness']);
    expect(detailOf(refused.body, 'freshness')).toMatch(/no options.challenge.*no options.domain.*replay/);
    // asking for only one of the two is not enough either
    expect(failed((await verifyPresentation(await present([own], { nonce: 'c-1' }), { challenge: 'c-1' })).body)).toEqual(['freshness']);
    const waived = await verifyPresentation(vp, { allowReplay: true });
    expect(waived.body.errors).toEqual([]);
    expect(waived.status).toBe(200);
    expect(warned(waived.body)).toContain('freshness');
  });

  it('fails when stale, expired or with a malformed time claim, even asked for challenge and domain', async () => {
    expect(failed((await verifyPresentation(await bare([own], { nonce: 'c-1', aud: 'https://rp.example', iat: NOW() - 600 }), asked)).body)).toEqual(['freshness']);
    expect(failed((await verifyPresentation(await bare([own], { nonce: 'c-1', aud: 'https://rp.example', exp: NOW() - 3600 }), { ...asked, allowReplay: true })).body)).toEqual(['freshness']);
    for (const value of [1e20, -1e20, { t: 1 }]) {
      const result = await verifyPresentation(await bare([own], { nonce: 'c-1', aud: 'https://rp.example', exp: value }), asked);
      expect(result.status).toBe(400);
      expect(detailOf(result.body, 'freshness')).toMatch(/exp must be a NumericDate/);
    }
  });
});

describe('SD-JWT key binding proves when', () => {
  const holder = party();
  let sdJwt: string;
  const wallet = new SDJwtVcInstance({ hasher: digest, kbSignAlg: 'EdDSA', kbSigner: (data: string) => sign(null, Buffer.from(data), holder.key.privateKey).toString('base64url') });
  const present = (iat = NOW()) => wallet.present(sdJwt, { degree: true } as never, { kb: { payload: { nonce: 'n-1', aud: 'https://rp.example', iat } } });

  beforeAll(async () => {
    sdJwt = tokenOf(await issue('dc+sd-jwt', { id: holder.did, degree: 'PhD' }, { selectivelyDisclosable: ['/credentialSubject/degree'], holder: { kty: 'OKP', crv: 'Ed25519', x: holder.jwk.x } }));
    await synced();
  });

  it('without options it fails freshness on both endpoints; the waiver passes it with a warning; asking passes it', async () => {
    const presentation = await present();
    for (const verify of [verifyPresentation, verifyCredential]) {
      const refused = await verify(presentation);
      expect(refused.status).toBe(400);
      expect(failed(refused.body)).toEqual(['freshness']);
      const waived = await verify(presentation, { allowReplay: true });
      expect(waived.status).toBe(200);
      expect(warned(waived.body)).toEqual(['freshness']);
      const asked = await verify(presentation, { challenge: 'n-1', domain: 'https://rp.example' });
      expect(asked.body.errors).toEqual([]);
      expect(asked.body.warnings).toEqual([]);
      expect(asked.body.credential.degree).toBe('PhD');
    }
  });

  it('a key-binding JWT from the future or with a malformed iat fails, waiver or not', async () => {
    for (const iat of [NOW() + 3600, 1e20]) {
      const result = await verifyPresentation(await present(iat), { challenge: 'n-1', domain: 'https://rp.example', allowReplay: true });
      expect(result.status).toBe(400);
      expect(failed(result.body)).toEqual(['freshness']);
    }
  });
});

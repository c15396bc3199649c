import { describe, expect, it } from 'vitest';
import { dcqlVerdict, parseDcqlQuery, type PresentedCredential } from './dcql.js';
import { publicState, requestObjectRefusal, responseRefusal, type RequestStatus } from './request.js';
import { isSdJwtPresentation, refusalOf, walletError } from './response.js';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const live = (status: RequestStatus) => ({ status, expiresAt: '2026-12-01T00:05:00Z' });
const past = (status: RequestStatus) => ({ status, expiresAt: '2026-11-30T23:59:59Z' });

describe('the request state machine', () => {
  it('reads pending until answered, failed once expired unanswered, and keeps a result past expiry', () => {
    expect((['created', 'fetched', 'answering'] as const).map((s) => publicState(live(s), NOW))).toEqual(['pending', 'pending', 'pending']);
    expect((['created', 'fetched', 'answering'] as const).map((s) => publicState(past(s), NOW))).toEqual(['failed', 'failed', 'failed']);
    expect([publicState(past('completed'), NOW), publicState(live('failed'), NOW)]).toEqual(['completed', 'failed']);
  });

  it('hands the request object out once, and not after expiry', () => {
    expect(requestObjectRefusal(live('created'), NOW)).toBeUndefined();
    for (const status of ['fetched', 'answering', 'completed', 'failed'] as const) expect(requestObjectRefusal(live(status), NOW)?.error_description).toMatch(/single use/);
    expect(requestObjectRefusal(past('created'), NOW)).toEqual({ error: 'invalid_request_uri', error_description: 'the request has expired' });
  });

  it('takes a response once, only after the request object was fetched, and not after expiry', () => {
    expect(responseRefusal(live('fetched'), NOW)).toBeUndefined();
    expect(responseRefusal(live('created'), NOW)?.error_description).toMatch(/never fetched/);
    for (const status of ['answering', 'completed', 'failed'] as const) expect(responseRefusal(live(status), NOW)?.error_description).toMatch(/accepted once/);
    expect(responseRefusal(past('fetched'), NOW)).toEqual({ error: 'invalid_request', error_description: 'the request has expired' });
    expect(responseRefusal(past('completed'), NOW)?.error_description).toMatch(/accepted once/);
  });
});

describe('DCQL', () => {
  const query = (extra: Record<string, unknown> = {}) => ({ credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: ['https://eu/vct/P'] }, claims: [{ path: ['birthDate'] }], ...extra }] });
  const parsed = parseDcqlQuery(query());
  if ('problem' in parsed) throw new Error(parsed.problem);
  const presented = (claims: Record<string, unknown>, over: Partial<PresentedCredential> = {}): PresentedCredential => ({ format: 'dc+sd-jwt', issuer: 'did:isthmus:a', vct: 'https://eu/vct/P', claims, holderBound: true, ...over });

  it('refuses what it cannot evaluate: other formats, trusted_authorities, malformed queries', () => {
    expect(parseDcqlQuery({ credentials: [{ id: 'm', format: 'mso_mdoc', meta: { doctype_value: 'x' } }] })).toMatchObject({ pointer: '/dcql/credentials/0/format' });
    expect(parseDcqlQuery(query({ trusted_authorities: [{ type: 'aki', values: ['s9tIpPmhxdiuNkHMEWNpYim8S8Y'] }] }))).toMatchObject({ pointer: '/dcql/credentials/0/trusted_authorities' });
    expect(parseDcqlQuery({ credentials: [] })).toMatchObject({ pointer: '/dcql', problem: expect.stringMatching(/^not a valid DCQL query/) });
    expect(parseDcqlQuery('nope')).toMatchObject({ pointer: '/dcql' });
  });

  it('is satisfied by the asked claims of the asked vct, whatever else is disclosed', () => {
    expect(dcqlVerdict(parsed.query, { pid: [presented({ birthDate: '1990-04-01', givenName: 'Ada' })] })).toEqual({ satisfied: true });
  });

  it('is not satisfied by a missing claim, another vct, no holder binding, a missing query id, or an unknown one', () => {
    const not = (p: Record<string, PresentedCredential[]>) => dcqlVerdict(parsed.query, p).satisfied;
    expect(not({ pid: [presented({ givenName: 'Ada' })] })).toBe(false);
    expect(not({ pid: [presented({ birthDate: 'x' }, { vct: 'https://eu/vct/Other' })] })).toBe(false);
    expect(not({ pid: [presented({ birthDate: 'x' }, { holderBound: false })] })).toBe(false);
    expect(not({})).toBe(false);
    expect(dcqlVerdict(parsed.query, { other: [presented({ birthDate: 'x' })] })).toMatchObject({ satisfied: false, problem: expect.stringMatching(/other/) });
  });

  it('holds issuers to trustedIssuers when given', () => {
    const p = { pid: [presented({ birthDate: 'x' })] };
    expect(dcqlVerdict(parsed.query, p, ['did:isthmus:a'])).toEqual({ satisfied: true });
    expect(dcqlVerdict(parsed.query, p, ['did:isthmus:b'])).toMatchObject({ satisfied: false, problem: expect.stringMatching(/trustedIssuers/) });
  });
});

describe('wallet responses', () => {
  it('reads a wallet-reported error, and refuses a malformed one', () => {
    expect(walletError({ vp_token: 'x' })).toBeUndefined();
    expect(walletError({ error: 'access_denied', error_description: 'declined' })).toEqual({ error: 'access_denied', error_description: 'declined' });
    expect(walletError({ error: ['x'] })).toMatchObject({ invalid: { error: 'invalid_request' } });
    expect(walletError({ error: 'a"b' })).toMatchObject({ invalid: { error: 'invalid_request' } });
  });

  it('maps library errors to OAuth errors', () => {
    expect(refusalOf({ errorResponse: { error: 'invalid_client', error_description: 'who?' } })).toEqual({ error: 'invalid_client', error_description: 'who?' });
    expect(refusalOf(new Error('state mismatch\nat line'))).toEqual({ error: 'invalid_request', error_description: 'state mismatch' });
  });

  it('tells an SD-JWT presentation from other vp_token entries', () => {
    const header = (typ: string) => Buffer.from(JSON.stringify({ alg: 'EdDSA', typ })).toString('base64url');
    expect(isSdJwtPresentation(`${header('dc+sd-jwt')}.bb.cc~d~e.f.g`)).toBe(true);
    expect(isSdJwtPresentation(`${header('vp+sd-jwt')}.bb.cc~d~e.f.g`)).toBe(false);
    expect(isSdJwtPresentation(`${header('dc+sd-jwt')}.bb.cc`)).toBe(false);
    expect(isSdJwtPresentation('aa.bb.cc~d~')).toBe(false);
    expect(isSdJwtPresentation({ type: 'VerifiablePresentation' })).toBe(false);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OAuthError } from './errors.js';
import { checkAccess, decideToken, MAX_TX_CODE_ATTEMPTS, type OfferView } from './offer.js';

const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const NOW = 1_800_000_000_000;
const offered: OfferView = { state: 'offered', expiresAt: NOW + 60_000, txCodeHash: null, txCodeAttempts: 0, dpopJkt: null };
const refusal = (decision: ReturnType<typeof decideToken>) => (decision.grant ? undefined : { code: decision.error.code, burn: decision.burn, count: decision.countAttempt });
const thrown = (fn: () => void): { code: string; status: number } | undefined => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    return { code: (error as OAuthError).code, status: (error as OAuthError).status };
  }
  return undefined;
};

describe('decideToken (the pre-authorized code)', () => {
  it('grants a live offer without tx_code once', () => {
    expect(decideToken(offered, { txCodeHash: null }, NOW)).toEqual({ grant: true });
  });

  it('refuses an unknown, exchanged or expired code with invalid_grant; an expired one is burned', () => {
    expect(refusal(decideToken(null, { txCodeHash: null }, NOW))).toEqual({ code: 'invalid_grant', burn: false, count: false });
    expect(refusal(decideToken({ ...offered, state: 'token' }, { txCodeHash: null }, NOW))).toEqual({ code: 'invalid_grant', burn: false, count: false });
    expect(refusal(decideToken(offered, { txCodeHash: null }, offered.expiresAt))).toEqual({ code: 'invalid_grant', burn: true, count: false });
  });

  it('asks for the tx_code (invalid_request), refuses a wrong one (invalid_grant, counted) and one not asked for', () => {
    const withCode = { ...offered, txCodeHash: hash('493817') };
    expect(decideToken(withCode, { txCodeHash: hash('493817') }, NOW)).toEqual({ grant: true });
    expect(refusal(decideToken(withCode, { txCodeHash: null }, NOW))).toEqual({ code: 'invalid_request', burn: false, count: false });
    expect(refusal(decideToken(withCode, { txCodeHash: hash('000000') }, NOW))).toEqual({ code: 'invalid_grant', burn: false, count: true });
    expect(refusal(decideToken(offered, { txCodeHash: hash('493817') }, NOW))).toEqual({ code: 'invalid_request', burn: false, count: false });
  });

  it('burns the offer at the last allowed wrong tx_code', () => {
    const withCode = { ...offered, txCodeHash: hash('493817'), txCodeAttempts: MAX_TX_CODE_ATTEMPTS - 1 };
    expect(refusal(decideToken(withCode, { txCodeHash: hash('000000') }, NOW))).toEqual({ code: 'invalid_grant', burn: true, count: true });
  });
});

describe('checkAccess (the access token)', () => {
  const token: OfferView = { ...offered, state: 'token', dpopJkt: 'jkt-1' };

  it('lets the bound key through while the token lives', () => {
    expect(thrown(() => checkAccess(token, 'jkt-1', NOW))).toBeUndefined();
  });

  it('refuses unknown, not exchanged and expired tokens (invalid_token, 401) and another key (invalid_dpop_proof, 401)', () => {
    expect(thrown(() => checkAccess(null, 'jkt-1', NOW))).toEqual({ code: 'invalid_token', status: 401 });
    expect(thrown(() => checkAccess(offered, 'jkt-1', NOW))).toEqual({ code: 'invalid_token', status: 401 });
    expect(thrown(() => checkAccess(token, 'jkt-1', token.expiresAt))).toEqual({ code: 'invalid_token', status: 401 });
    expect(thrown(() => checkAccess(token, 'jkt-2', NOW))).toEqual({ code: 'invalid_dpop_proof', status: 401 });
  });
});

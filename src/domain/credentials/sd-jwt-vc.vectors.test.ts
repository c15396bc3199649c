import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SDJwt } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import { compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { presentationFreshness } from './presentation.js';
import { unreferencedDisclosure, verifyKeyBinding } from './sd-jwt.js';

// The IETF SD-JWT VC draft's own examples (test/vectors/sd-jwt-vc: the presentations, key-binding
// payloads and verified contents the specification's reference tool generated, and the public
// keys): our disclosure and key-binding checks must accept them.
const root = fileURLToPath(new URL('../../../test/vectors/sd-jwt-vc/', import.meta.url));
const settings = parse(readFileSync(join(root, 'settings.yml'), 'utf8')) as { key_settings: { issuer_key: JWK }; identifiers: { verifier: string }; key_binding_nonce: string };
const cases = readdirSync(root).filter((d) => existsSync(join(root, d, 'sd_jwt_presentation.txt')));
const read = (dir: string, file: string) => readFileSync(join(root, dir, file), 'utf8');

describe('IETF SD-JWT VC examples', () => {
  it('are all here', () => expect(cases).toEqual(['01', '02', '03-pid']));

  it.each(cases)('%s verifies: issuer signature, every disclosure referenced, key binding, disclosed claims', async (dir) => {
    const presentation = read(dir, 'sd_jwt_presentation.txt').replace(/\s+/g, '');
    const parts = presentation.split('~');
    const issuerKey = settings.key_settings.issuer_key;
    const { protectedHeader } = await compactVerify(parts[0]!, await importJWK(issuerKey, 'ES256'));
    expect(protectedHeader.typ).toBe('dc+sd-jwt');
    const payload = JSON.parse(Buffer.from(parts[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown> & { cnf?: { jwk: JWK }; iat: number };
    expect(unreferencedDisclosure(payload, parts.slice(1, -1).filter((p) => p !== ''))).toBeUndefined();
    const presented = `${parts.slice(0, -1).join('~')}~`;
    if (existsSync(join(root, dir, 'kb_jwt_payload.json'))) {
      const kb = JSON.parse(read(dir, 'kb_jwt_payload.json')) as { iat: number };
      const expectation = { nonce: settings.key_binding_nonce, audience: settings.identifiers.verifier };
      const bound = await verifyKeyBinding(payload.cnf?.jwk, presented, parts.at(-1)!, expectation);
      expect(bound).toEqual({ claims: kb });
      const request = { challenge: expectation.nonce, domain: expectation.audience };
      expect(presentationFreshness(kb, request, { nowMs: (kb.iat + 1) * 1000 }, true)).toMatchObject({ ok: true });
      expect(presentationFreshness(kb, request, { nowMs: (kb.iat + 301) * 1000 }, true)).toMatchObject({ ok: false });
      expect(await verifyKeyBinding(payload.cnf?.jwk, presented, parts.at(-1)!, { ...expectation, nonce: 'other' })).toEqual({ problem: expect.stringMatching(/nonce/) });
    } else {
      expect(parts.at(-1)).toBe(''); // presented without key binding
    }
    const claims = (await (await SDJwt.fromEncode(presented, digest)).getClaims(digest)) as Record<string, unknown>;
    const { _sd_alg: _alg, ...disclosed } = claims;
    expect(disclosed).toEqual(JSON.parse(read(dir, 'verified_contents.json')));
  });
});

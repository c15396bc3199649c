import { existsSync, readFileSync } from 'node:fs';
import { SDJwt } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import { compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { keyBindingProblem, unreferencedDisclosure } from './sd-jwt.js';

// The IETF SD-JWT VC draft's own examples (test/vectors/sd-jwt-vc, see its README), generated
// by the specification's reference tool: our disclosure and key-binding checks must accept them.
// The cases are named here, not listed from the folder, so that a missing file fails the test.
const ROOT = new URL('../../../test/vectors/sd-jwt-vc/', import.meta.url);
const cases = ['01', '02', '03-pid'];
const read = (dir: string, file: string) => readFileSync(new URL(`${dir}/${file}`, ROOT), 'utf8');
const settings = parse(readFileSync(new URL('settings.yml', ROOT), 'utf8')) as { key_settings: { issuer_key: JWK & { d?: string } }; identifiers: { verifier: string }; key_binding_nonce: string };

describe('IETF SD-JWT VC examples', () => {
  it.each(cases)('%s verifies: issuer signature, every disclosure referenced, key binding, disclosed claims', async (dir) => {
    const presentation = read(dir, 'sd_jwt_presentation.txt').replace(/\s+/g, '');
    const parts = presentation.split('~');
    const { d: _private, ...issuerKey } = settings.key_settings.issuer_key;
    const { protectedHeader } = await compactVerify(parts[0]!, await importJWK(issuerKey, 'ES256'));
    expect(protectedHeader.typ).toBe('dc+sd-jwt');
    const payload = JSON.parse(Buffer.from(parts[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown> & { cnf?: { jwk: JWK }; iat: number };
    expect(unreferencedDisclosure(payload, parts.slice(1, -1).filter((p) => p !== ''))).toBeUndefined();
    const presented = `${parts.slice(0, -1).join('~')}~`;
    if (existsSync(new URL(`${dir}/kb_jwt_payload.json`, ROOT))) {
      const kb = JSON.parse(read(dir, 'kb_jwt_payload.json')) as { iat: number };
      const expectation = { nonce: settings.key_binding_nonce, audience: settings.identifiers.verifier, now: kb.iat + 1, maxAgeSeconds: 300, skewSeconds: 60 };
      expect(await keyBindingProblem(payload.cnf?.jwk, presented, parts.at(-1)!, expectation)).toBeUndefined();
      expect(await keyBindingProblem(payload.cnf?.jwk, presented, parts.at(-1)!, { ...expectation, nonce: 'other' })).toMatch(/nonce/);
    } else {
      expect(parts.at(-1)).toBe(''); // presented without key binding
    }
    const claims = (await (await SDJwt.fromEncode(presented, digest)).getClaims(digest)) as Record<string, unknown>;
    const { _sd_alg: _alg, ...disclosed } = claims;
    expect(disclosed).toEqual(JSON.parse(read(dir, 'verified_contents.json')));
  });
});

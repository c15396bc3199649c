import { generateKeyPairSync, sign } from 'node:crypto';
import { SDJwtInstance } from '@sd-jwt/core';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { unreferencedDisclosure, verifyKeyBinding } from '../credentials/sd-jwt.js';
import { didJwkDocument } from '../did/key-jwk-documents.js';
import { parseDidKey } from '../did/keys.js';
import { generateHolderKey, holderKey, presentSdJwt, presentVpJwt } from './holder.js';

const NOW = 1_790_000_000;
const issuerKey = generateKeyPairSync('ed25519');
const issuer = new SDJwtInstance({ hasher: digest, saltGenerator: generateSalt, signAlg: 'EdDSA', signer: (data: string) => sign(null, Buffer.from(data), issuerKey.privateKey).toString('base64url') });

describe('holder keys', () => {
  it.each(['EdDSA', 'ES256'] as const)('%s: the private JWK, the public JWK and both DIDs name one key', (alg) => {
    const key = generateHolderKey(alg);
    expect(key.alg).toBe(alg);
    expect(key.privateJwk.d).toEqual(expect.any(String));
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(parseDidKey(key.didKey).jwk).toEqual(key.publicJwk);
    expect((didJwkDocument(key.didJwk).verificationMethod as { publicKeyJwk: unknown }[])[0]!.publicKeyJwk).toEqual(key.publicJwk);
    expect(holderKey(key.privateJwk)).toEqual(key);
  });

  it('refuses a public JWK where the private key is needed', () => {
    expect(() => holderKey(generateHolderKey().publicJwk)).toThrow(/private JWK/);
  });
});

describe('presentSdJwt', () => {
  const holder = generateHolderKey('ES256');
  const issued = () =>
    issuer.issue({ iss: 'https://issuer.example', vct: 'Person', cnf: { jwk: holder.publicJwk }, givenName: 'Qwertz', birthDate: '1990-04-01', nationality: 'NL', address: { city: 'Leiden' } } as never, {
      _sd: ['birthDate', 'nationality'],
      address: { _sd: ['city'] },
    } as never);

  it('discloses exactly the claims named, bound to the holder key, the nonce and the audience', async () => {
    const presentation = await presentSdJwt(await issued(), holder, ['birthDate', 'address.city'], { nonce: 'n-1', aud: 'https://rp.example', iat: NOW });
    const parts = presentation.split('~');
    const payload = JSON.parse(Buffer.from(parts[0]!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(unreferencedDisclosure(payload, parts.slice(1, -1))).toBeUndefined();
    const presented = `${parts.slice(0, -1).join('~')}~`;
    const expectation = { nonce: 'n-1', audience: 'https://rp.example' };
    expect(await verifyKeyBinding(holder.publicJwk, presented, parts.at(-1)!, expectation)).toEqual({ claims: expect.objectContaining({ nonce: 'n-1', aud: 'https://rp.example', iat: NOW }) });
    expect(await verifyKeyBinding(holder.publicJwk, presented, parts.at(-1)!, { ...expectation, nonce: 'n-2' })).toEqual({ problem: expect.stringMatching(/nonce/) });
    expect(await verifyKeyBinding(generateHolderKey('ES256').publicJwk, presented, parts.at(-1)!, expectation)).toEqual({ problem: expect.stringMatching(/signature|verify|key/) });
    const claims = (await issuer.getClaims(presented)) as Record<string, unknown>;
    expect(claims).toMatchObject({ birthDate: '1990-04-01', address: { city: 'Leiden' } });
    expect(claims).not.toHaveProperty('nationality');
  });

  it('refuses a claim the SD-JWT does not offer, naming the ones it does', async () => {
    await expect(presentSdJwt(await issued(), holder, ['givenName'], { nonce: 'n', aud: 'a' })).rejects.toThrow('givenName is not selectively disclosable in this SD-JWT; it offers: address.city, birthDate, nationality');
  });

  it('replaces a key-binding JWT the input already carries', async () => {
    const once = await presentSdJwt(await issued(), holder, ['birthDate'], { nonce: 'n-1', aud: 'a', iat: NOW });
    const twice = await presentSdJwt(once, holder, ['birthDate'], { nonce: 'n-2', aud: 'a', iat: NOW });
    expect(twice.split('~')).toHaveLength(3);
    const kb = JSON.parse(Buffer.from(twice.split('~').at(-1)!.split('.')[1]!, 'base64url').toString()) as { nonce: string };
    expect(kb.nonce).toBe('n-2');
  });
});

describe('presentVpJwt', () => {
  it.each(['EdDSA', 'ES256'] as const)('%s: a VP JWT whose iss is the holder did:key, signed by it, for this nonce and audience', async (alg) => {
    const holder = generateHolderKey(alg);
    const vp = await presentVpJwt(['eyJ.credential.jwt'], holder, { nonce: 'c-1', aud: 'https://rp.example', iat: NOW });
    const { payload, protectedHeader } = await jwtVerify(vp, await importJWK(holder.publicJwk, alg), { audience: 'https://rp.example', currentDate: new Date(NOW * 1000) });
    expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: `${holder.didKey}#${holder.didKey.slice(8)}` });
    expect(payload).toMatchObject({ iss: holder.didKey, nonce: 'c-1', iat: NOW, vp: { type: ['VerifiablePresentation'], holder: holder.didKey, verifiableCredential: ['eyJ.credential.jwt'] } });
  });
});

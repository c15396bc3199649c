import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { generateHolderKey, holderKey, presentSdJwt, presentVpJwt } from '../domain/holder/holder.js';
import { receiveCredentials, walletKey } from './oid4vci-wallet.js';

const USAGE = `usage:
  npm run holder -- keygen [--alg EdDSA|ES256|ES384] [--out FILE]
      a new holder key: the private JWK to FILE (mode 0600; without --out, in the output),
      the public JWK and its did:jwk / did:key forms (any of them goes in options.holder)
  npm run holder -- present SD_JWT --key FILE --disclose NAME,NAME --aud URL --nonce N
      an SD-JWT presentation with a key-binding JWT, disclosing the claims named
      (as the SD-JWT names them: birthDate, or credentialSubject.birthDate)
  npm run holder -- present --vp-jwt JWT [--vp-jwt JWT …] --key FILE --aud URL --nonce N
      a VP JWT (iss: the key's did:key) carrying vc+jwt or jwt_vc_json credentials
  npm run holder -- receive OFFER --key FILE [--tx-code CODE]
      redeems an OpenID4VCI credential offer (the openid-credential-offer:// URI of
      POST /oid4vci/offers) as a wallet: DPoP token, c_nonce, a proof of the key in FILE;
      prints the credential, bound to that key (cnf)
  SD_JWT and JWT may be bare tokens or the data: URL of an enveloped credential's id;
  --aud and --nonce are the verifier's domain and challenge.`;

/** A token as pasted: bare, or the `id` of an EnvelopedVerifiableCredential (`data:…,<token>`). */
const token = (text: string) => (text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text).trim();

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      alg: { type: 'string', default: 'EdDSA' },
      out: { type: 'string' },
      key: { type: 'string' },
      disclose: { type: 'string', default: '' },
      aud: { type: 'string' },
      nonce: { type: 'string' },
      'vp-jwt': { type: 'string', multiple: true },
      'tx-code': { type: 'string' },
    },
  });
  const [command, input, ...extra] = positionals;
  if (command === 'keygen' && input === undefined) {
    if (values.alg !== 'EdDSA' && values.alg !== 'ES256' && values.alg !== 'ES384') throw new Error('--alg must be EdDSA, ES256 or ES384');
    const key = generateHolderKey(values.alg);
    if (values.out) writeFileSync(values.out, `${JSON.stringify(key.privateJwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    const shown = { ...(values.out ? { privateKeyFile: values.out } : { privateJwk: key.privateJwk }), publicJwk: key.publicJwk, didJwk: key.didJwk, didKey: key.didKey };
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return;
  }
  if (command === 'present' && extra.length === 0 && (input === undefined) === (values['vp-jwt'] !== undefined)) {
    if (!values.key || values.aud === undefined || values.nonce === undefined) throw new Error('present needs --key, --aud and --nonce');
    const key = holderKey(JSON.parse(readFileSync(values.key, 'utf8')) as JWK);
    const audience = { aud: values.aud, nonce: values.nonce };
    const presentation =
      values['vp-jwt'] !== undefined
        ? await presentVpJwt(values['vp-jwt'].map(token), key, audience)
        : await presentSdJwt(token(input!), key, values.disclose.split(',').filter((n) => n !== ''), audience);
    process.stdout.write(`${presentation}\n`);
    return;
  }
  if (command === 'receive' && input !== undefined && extra.length === 0) {
    if (!values.key) throw new Error('receive needs --key');
    const received = await receiveCredentials(input, { proofKeys: [walletKey(JSON.parse(readFileSync(values.key, 'utf8')) as JWK)], ...(values['tx-code'] ? { txCode: values['tx-code'] } : {}) });
    process.stdout.write(`${received.credentials.join('\n')}\n`);
    return;
  }
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

main().catch((error: unknown) => {
  process.stderr.write(`holder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

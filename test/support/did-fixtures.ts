import { createPrivateKey } from 'node:crypto';
import { ed25519FromSeed } from '../../src/domain/keys/ed25519.js';

/** Fixed keys for golden DID tests: the RFC 8032 test 1 seed, and a fixed P-256 key. */
export const ED25519_TEST_SEED_HEX = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
export const edKey = ed25519FromSeed(Buffer.from(ED25519_TEST_SEED_HEX, 'hex'));
export const p256Key = createPrivateKey({
  key: { kty: 'EC', crv: 'P-256', x: 'igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns', y: 'efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM', d: 'gPh-VvVS8MbvKQ9LSVVmfnxnKjHn4Tqj0bmbpehRlpc' },
  format: 'jwk',
});

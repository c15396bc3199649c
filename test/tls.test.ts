import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegion, type TestRegion } from './support/region.js';

let region: TestRegion;
const dir = mkdtempSync(join(tmpdir(), 'isthmus-tls-'));
const cert = join(dir, 'cert.pem');

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', cert,
  ], { stdio: 'ignore' });
  region = await startRegion({ listen: true, env: { TLS_CERT_FILE: cert, TLS_KEY_FILE: join(dir, 'key.pem') } });
});
afterAll(async () => {
  await region?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('serves HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set', async () => {
    expect(region.url).toMatch(/^https:/);
    const body = await new Promise<string>((resolve, reject) => {
      httpsRequest(`${region.url}/health/live`, { ca: readFileSync(cert) }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      })
        .on('error', reject)
        .end();
    });
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
  });
});

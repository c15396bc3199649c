import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundRefusedError, postJsonOutbound } from '../src/common/outbound.js';

/** A name other than `localhost` that this machine's hosts file maps to loopback (Debian: ip6-localhost, ip6-loopback). */
function loopbackName(): string | undefined {
  for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address === '127.0.0.1' || address === '::1') {
      const name = names.find((n) => n !== 'localhost' && !n.endsWith('.localhost'));
      if (name) return name;
    }
  }
  return undefined;
}

describe('calls to a URL a tenant gave (webhooks)', () => {
  const hits: string[] = [];
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url!);
      req.resume().on('end', () => (req.url === '/redirect' ? res.writeHead(307, { location: `http://127.0.0.1:${port}/elsewhere` }).end() : res.end()));
    });
    await new Promise<void>((resolve) => server.listen(0, resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('reach a private address only where the operator allows it, and never follow a redirect', async () => {
    expect(await postJsonOutbound(`http://127.0.0.1:${port}/hook`, { a: 1 }, { timeoutMs: 5000, allowPrivateNetworks: true })).toBe(200);
    expect(await postJsonOutbound(`http://127.0.0.1:${port}/redirect`, {}, { timeoutMs: 5000, allowPrivateNetworks: true })).toBe(307);
    expect(hits).toEqual(['/hook', '/redirect']);
  });

  it('refuse a loopback literal and a name that resolves to loopback, connecting to neither', async () => {
    hits.length = 0;
    await expect(postJsonOutbound(`http://127.0.0.1:${port}/literal`, {}, { timeoutMs: 5000, allowPrivateNetworks: false })).rejects.toThrow(OutboundRefusedError);
    const name = loopbackName();
    if (name === undefined) {
      process.stdout.write('outbound.test: /etc/hosts names no loopback alias besides localhost; the resolved-name case is not exercised here\n');
    } else {
      await expect(postJsonOutbound(`http://${name}:${port}/by-name`, {}, { timeoutMs: 5000, allowPrivateNetworks: false })).rejects.toThrow(/resolves to a non-public address/);
    }
    expect(hits).toEqual([]);
  });
});

import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegion, type TestRegion } from './support/region.js';

// Short timeouts so the test is quick; the defaults (README) are seconds, not minutes or never.
let region: TestRegion;
let port: number;
beforeAll(async () => {
  region = await startRegion({ listen: true, env: { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_IDLE_TIMEOUT_MS: '2000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' } });
  port = Number(new URL(region.url!).port);
});
afterAll(async () => {
  await region?.close();
});

/** Opens a raw connection, feeds it `lines` one every `everyMs`, and resolves when the server closes it. */
function trickle(lines: string[], everyMs: number): Promise<{ closedAfterMs: number; received: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let next = 0;
    const timer = setInterval(() => {
      if (next < lines.length && !socket.destroyed) socket.write(lines[next++]!);
    }, everyMs);
    socket.on('data', (chunk) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, received });
    });
    // Far beyond any configured timeout: a server that never cuts the client off fails here.
    setTimeout(() => socket.destroy(), 15_000).unref();
  });
}

describe('slow clients', () => {
  it('a client sending its headers a byte at a time is cut off at the headers timeout', async () => {
    const headers = ['GET /health/live HTTP/1.1\r\n', 'Host: x\r\n', ...Array.from({ length: 100 }, (_, i) => `X-Slow-${i}: ${i}\r\n`)];
    const { closedAfterMs, received } = await trickle(headers, 200);
    expect(closedAfterMs).toBeLessThan(5000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a client sending its body slowly is cut off at the request timeout', async () => {
    const head = 'POST /admin/issuers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';
    const { closedAfterMs } = await trickle([head, ...Array.from({ length: 200 }, () => ' ')], 200);
    expect(closedAfterMs).toBeLessThan(7000);
  });

  it('a connection that never sends a request is closed', async () => {
    const { closedAfterMs } = await trickle([], 1000);
    expect(closedAfterMs).toBeLessThan(7000);
  });

  it('an ordinary request still works', async () => {
    expect((await fetch(`${region.url}/health/live`)).status).toBe(200);
  });
});

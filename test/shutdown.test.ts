import { request as httpRequest, Agent } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startRegion, type TestRegion } from './support/region.js';

// A region shutting down finishes what is in flight and then closes: an answer it sends while
// closing ends its keep-alive connection, so the close does not wait for the client to let go
// (HTTP_KEEP_ALIVE_TIMEOUT_MS, here ten minutes: a region that waited would time this test out).
let region: TestRegion | undefined;
afterAll(async () => {
  await region?.close();
});

describe('shutdown', () => {
  it('answers a request in flight with Connection: close, and closes without waiting for the keep-alive timeout', async () => {
    region = await startRegion({ listen: true, env: { HTTP_KEEP_ALIVE_TIMEOUT_MS: '600000', HTTP_REQUEST_TIMEOUT_MS: '30000' } });
    const { hostname, port } = new URL(region.url!);
    const agent = new Agent({ keepAlive: true });
    const body = JSON.stringify({ name: 'Late Issuer' });
    // The body is held back until the region has begun to close: the request is in flight then.
    const answered = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ hostname, port, path: '/health/live', method: 'GET', agent, headers: { 'content-length': '0' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      });
      req.on('error', reject);
      // a first request on the connection makes it a kept-alive one
      req.end();
    });
    expect(await answered).toEqual({ status: 200, connection: 'keep-alive' });

    let socketClosed: Promise<void> | undefined;
    const slow = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ hostname, port, path: '/admin/issuers', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      });
      req.on('socket', (socket) => (socketClosed = new Promise((r) => socket.once('close', () => r()))));
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const stopping = region.stop();
    const answer = await slow;
    expect(answer.status).toBe(401);
    expect(answer.connection).toBe('close');
    await stopping;
    await socketClosed; // the region let go of the connection: the client was not the one to close it
    agent.destroy();
  });
});

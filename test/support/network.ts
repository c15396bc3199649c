import { createServer, connect, type Server, type Socket } from 'node:net';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { generateNetwork } from '../../src/domain/network/network-init.js';
import { freePort, startRegion, type TestRegion } from './region.js';

/**
 * A loopback TCP proxy in front of a region: the genesis names the proxy, so the test can cut
 * the link (a partition) or point it at a restarted region.
 */
export class LinkProxy {
  private readonly sockets = new Set<Socket>();
  blocked = false;
  target = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async open(): Promise<LinkProxy> {
    const port = await freePort();
    const server = createServer();
    const proxy = new LinkProxy(server, port);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return proxy;
  }

  private accept(client: Socket): void {
    if (this.blocked || this.target === 0) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  }

  block(): void {
    this.blocked = true;
    for (const socket of this.sockets) socket.destroy();
  }

  unblock(): void {
    this.blocked = false;
  }

  async close(): Promise<void> {
    this.block();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface TwoRegions {
  eu: TestRegion;
  ap: TestRegion;
  links: { eu: LinkProxy; ap: LinkProxy };
  /** The region's URL as the genesis names it (through its link proxy). */
  url(id: 'eu' | 'ap'): string;
  stop(id: 'eu' | 'ap'): Promise<void>;
  restart(id: 'eu' | 'ap'): Promise<TestRegion>;
  close(): Promise<void>;
}

export const FAST_REPLICATION = { REPLICATION_INTERVAL_MS: '150', PEER_TIMEOUT_MS: '1500' };

/** Both regions as real HTTP services on loopback, each with its own database. */
export async function startTwoRegions(
  env: Record<string, string> = {},
  logLines?: string[],
  files: { eu?: Record<string, string>; ap?: Record<string, string> } = {},
  /** Adds to the generated genesis (e.g. `witnesses`) before the regions start. */
  extendGenesis: Record<string, unknown> = {},
): Promise<TwoRegions> {
  const links = { eu: await LinkProxy.open(), ap: await LinkProxy.open() };
  const url = (id: 'eu' | 'ap') => `http://127.0.0.1:${links[id].port}`;
  const network = generateNetwork('isthmus-e2e', [
    { id: 'eu', url: url('eu') },
    { id: 'ap', url: url('ap') },
  ]);
  Object.assign(network.genesis, extendGenesis);
  const regions: Record<'eu' | 'ap', TestRegion> = {
    eu: await startRegion({ regionId: 'eu', network, listen: true, env: { ...FAST_REPLICATION, ...env }, ...(logLines ? { logLines } : {}), ...(files.eu ? { files: files.eu } : {}) }),
    ap: await startRegion({ regionId: 'ap', network, listen: true, env: { ...FAST_REPLICATION, ...env }, ...(logLines ? { logLines } : {}), ...(files.ap ? { files: files.ap } : {}) }),
  };
  const point = (id: 'eu' | 'ap') => (links[id].target = Number(new URL(regions[id].url!).port));
  point('eu');
  point('ap');
  const result: TwoRegions = {
    get eu() {
      return regions.eu;
    },
    get ap() {
      return regions.ap;
    },
    links,
    url,
    stop: async (id) => {
      await regions[id].stop();
    },
    restart: async (id) => {
      regions[id] = await regions[id].restart();
      point(id);
      return regions[id];
    },
    close: async () => {
      await Promise.all([regions.eu.close(), regions.ap.close()]);
      await Promise.all([links.eu.close(), links.ap.close()]);
    },
  };
  return result;
}

/** Polls until `check` returns a truthy value (behaviour, not timing, is asserted). */
export async function waitFor<T>(check: () => Promise<T | undefined | false | null>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export async function getJson<T = Record<string, unknown>>(base: string, path: string): Promise<T> {
  const response = await fetch(`${base}${path}`);
  return (await response.json()) as T;
}

export const dbOf = (region: TestRegion): DataSource => region.app.get<DataSource>(getDataSourceToken());

/** A log's status row of a region's /ledger/status. */
export async function logStatus(region: TestRegion, log: string): Promise<{ size: number; acceptedSize: number; cosignedSize: number; lagEntries: number; stopped: boolean; lastError: string | null }> {
  const status = await getJson<{ logs: { log: string }[] }>(region.url!, '/ledger/status');
  return status.logs.find((l) => l.log === log) as never;
}

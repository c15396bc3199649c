import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRegionApp } from '../../src/app.factory.js';
import { createLogger } from '../../src/common/logger.js';
import { loadConfig, type RegionConfig } from '../../src/config/config.js';
import { generateNetwork, type NetworkFiles, type RegionAddress } from '../../src/domain/network/network-init.js';
import { writeNetworkFiles } from '../../src/modules/network/network-files.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** How long close() waits for a region's shutdown before it abandons it. */
const CLOSE_WITHIN_MS = 25_000;

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef0123456789';

export interface TestRegion {
  readonly id: string;
  readonly app: NestFastifyApplication;
  readonly config: RegionConfig;
  readonly database: TestDatabase;
  /** The genesis and key files it was started with. */
  readonly network: NetworkFiles;
  /** The base URL when started with `listen: true`. */
  readonly url: string | undefined;
  /** Stops the app, drops its database and removes its data directory. */
  close(): Promise<void>;
  /** Stops the app only: data directory and database stay, for `restart`. */
  stop(): Promise<void>;
  /** A new app on the same data directory and database (as after a process restart). */
  restart(): Promise<TestRegion>;
}

/** Another replica of `region` on its (PostgreSQL) database: the same network and key encryption secret. */
export function startReplica(region: TestRegion): Promise<TestRegion> {
  return startRegion({ regionId: region.id, network: region.network, env: { DATABASE_URL: region.database.url!, KEY_ENCRYPTION_SECRET: region.config.keyEncryptionSecret } });
}

/** A free loopback port, for regions that must know each other's URLs before they start. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A genesis for the given regions (default: eu and ap on unused URLs). */
export function testNetwork(regions: RegionAddress[] = [
  { id: 'eu', url: 'http://127.0.0.1:3901' },
  { id: 'ap', url: 'http://127.0.0.1:3902' },
]): NetworkFiles {
  return generateNetwork('isthmus-test', regions);
}

export interface StartOptions {
  readonly regionId?: string;
  readonly network?: NetworkFiles;
  readonly listen?: boolean;
  readonly port?: number;
  readonly env?: Record<string, string>;
  /** Collects every log line (JSON text) instead of printing it; the level comes from env LOG_LEVEL. */
  readonly logLines?: string[];
  /** Files to put in DATA_DIR before the region starts (e.g. policy.json), by relative path. */
  readonly files?: Record<string, string>;
  /** Run the application from the build (dist/, what `npm test` builds first): its OpenAPI document has the body schemas the Swagger CLI plugin adds. */
  readonly fromBuild?: boolean;
}

/** The build's app factory, for a region started `fromBuild`. */
const builtFactory = (): Promise<{ createRegionApp: typeof createRegionApp }> => import(join(process.cwd(), 'dist/src/app.factory.js'));

/** Starts one region on a fresh data directory and database, as main.ts would. */
export async function startRegion(options: StartOptions = {}): Promise<TestRegion> {
  const regionId = options.regionId ?? 'eu';
  const network = options.network ?? testNetwork();
  const dataDir = mkdtempSync(join(tmpdir(), `isthmus-${regionId}-`));
  writeNetworkFiles(dataDir, network, [regionId]);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(dataDir, path)), { recursive: true });
    writeFileSync(join(dataDir, path), content);
  }
  const database = await createTestDatabase();
  const config = loadConfig({
    REGION_ID: regionId,
    DATA_DIR: dataDir,
    PORT: String(options.port ?? 3000),
    ADMIN_TOKEN,
    KEY_ENCRYPTION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  });
  try {
    return await launch(config, database, { ...options, network });
  } catch (error) {
    await database.release();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(config: RegionConfig, database: TestDatabase, options: StartOptions): Promise<TestRegion> {
  const lines = options.logLines;
  const logger = lines ? createLogger(config.logLevel, config.regionId, { write: (line: string) => void lines.push(line) }) : createLogger(config.logLevel, config.regionId);
  const { app } = await (options.fromBuild ? (await builtFactory()).createRegionApp : createRegionApp)(config, logger);
  let url: string | undefined;
  if (options.listen) {
    await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address() as { port: number };
    url = `${config.tls ? 'https' : 'http'}://127.0.0.1:${address.port}`;
  }
  let stopped = false;
  const stop = async () => {
    if (!stopped) await app.close();
    stopped = true;
  };
  return {
    id: config.regionId,
    app,
    config,
    database,
    network: options.network!,
    url,
    stop,
    restart: async () => {
      await stop();
      const port = url ? Number(new URL(url).port) : options.port;
      return launch(config, database, { ...options, ...(port !== undefined ? { port } : {}) });
    },
    close: async () => {
      // Bounded: a region that does not shut down in time is reported and abandoned (its
      // database is dropped with FORCE below), so one slow shutdown cannot time out a suite's
      // afterAll; the message names the region, for the shutdown to be looked into.
      const late = Symbol('late');
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([stop(), new Promise<typeof late>((resolve) => (timer = setTimeout(() => resolve(late), CLOSE_WITHIN_MS)))]);
      clearTimeout(timer);
      if (outcome === late) process.stderr.write(`test region ${config.regionId} did not shut down within ${CLOSE_WITHIN_MS / 1000} s; abandoned\n`);
      await database.release();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateNetwork } from './domain/network/network-init.js';
import { genesisPath, writeNetworkFiles } from './modules/network/network-files.js';

/**
 * `npm start`: both regions (README.md) on this machine, each its own process with
 * its own SQLite database under ./data, creating the genesis, keys and secrets on first run.
 */
const REGIONS = [
  { id: 'eu', port: 3001 },
  { id: 'ap', port: 3002 },
] as const;
const HOST = '127.0.0.1';
const root = resolve(process.env.ISTHMUS_DATA ?? './data');
const main = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

interface LocalSecrets {
  adminToken: string;
  keyEncryptionSecrets: Record<string, string>;
}

function prepare(): LocalSecrets {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  if (!REGIONS.every((r) => existsSync(genesisPath(join(root, r.id))))) {
    const files = generateNetwork('isthmus-local', REGIONS.map((r) => ({ id: r.id, url: `http://${HOST}:${r.port}` })));
    for (const r of REGIONS) writeNetworkFiles(join(root, r.id), files, [r.id]);
    process.stdout.write(`created the network genesis and region keys under ${root}\n`);
  }
  const secretsFile = join(root, 'local-secrets.json');
  if (!existsSync(secretsFile)) {
    const secrets: LocalSecrets = {
      adminToken: randomBytes(32).toString('base64url'),
      keyEncryptionSecrets: Object.fromEntries(REGIONS.map((r) => [r.id, randomBytes(32).toString('hex')])),
    };
    writeFileSync(secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return JSON.parse(readFileSync(secretsFile, 'utf8')) as LocalSecrets;
}

function startRegion(region: (typeof REGIONS)[number], secrets: LocalSecrets): ChildProcess {
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      REGION_ID: region.id,
      HOST,
      PORT: String(region.port),
      DATA_DIR: join(root, region.id),
      DATABASE_URL: '',
      ADMIN_TOKEN: secrets.adminToken,
      KEY_ENCRYPTION_SECRET: secrets.keyEncryptionSecrets[region.id],
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${region.id}] ${line}\n`));
  }
  return child;
}

async function waitReady(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(`http://${HOST}:${port}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the region on port ${port} did not become ready`);
}

async function run(): Promise<void> {
  const secrets = prepare();
  const children = REGIONS.map((r) => ({ region: r, child: startRegion(r, secrets) }));
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    let alive = children.filter(({ child }) => child.exitCode === null).length;
    if (alive === 0) process.exit(code);
    for (const { child } of children) {
      child.once('exit', () => --alive === 0 && process.exit(code));
      child.kill('SIGTERM');
    }
    setTimeout(() => process.exit(code), 10_000).unref();
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  for (const { region, child } of children) {
    child.on('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`region ${region.id} exited (code ${code}); stopping the other\n`);
        stop(1);
      }
    });
  }
  try {
    await Promise.all(children.map(({ region, child }) => waitReady(region.port, child)));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    stop(1);
    return;
  }
  const lines = [
    '',
    'Isthmus is running:',
    ...REGIONS.map((r) => `  region ${r.id}: http://${HOST}:${r.port}  (API docs: http://${HOST}:${r.port}/docs)`),
    `  admin token (both regions): ${secrets.adminToken}`,
    `  data: ${root}`,
    'Press Ctrl-C to stop both regions.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void run();

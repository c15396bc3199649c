import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateNoteKeyPair, NOTE_COSIGNATURE_V1, parseSignerKey } from '../domain/ledger/note.js';
import { logOrigin, parseGenesis } from '../domain/network/genesis.js';
import { createWitnessServer, FileWitnessStore } from './witness-server.js';

const USAGE =
  'usage: npm run witness -- --key FILE --state FILE --genesis network.json [--name NAME] [--port 3100] [--host 127.0.0.1]\n' +
  '  --key: the witness signer key (PRIVATE+KEY+…, cosignature/v1); with --name and no FILE yet, a new key is written there\n' +
  '  --state: where the latest cosigned size and root of each log are kept (JSON, rewritten atomically)\n' +
  "  --genesis: the network whose regions' logs are witnessed (each region's log key)";

/** `npm run witness`: a C2SP tlog-witness of a network's logs that anyone can run (docs/operations.md). */
function main(): void {
  const { values } = parseArgs({
    options: { key: { type: 'string' }, state: { type: 'string' }, genesis: { type: 'string' }, name: { type: 'string' }, port: { type: 'string', default: '3100' }, host: { type: 'string', default: '127.0.0.1' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.key || !values.state || !values.genesis) throw new Error(USAGE);
  if (!existsSync(values.key)) {
    if (!values.name) throw new Error(`${values.key} does not exist: give --name to create a new witness key there`);
    const pair = generateNoteKeyPair(values.name, NOTE_COSIGNATURE_V1);
    writeFileSync(values.key, `${pair.signerKey}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(values.key, 0o600);
    process.stdout.write(`wrote a new witness key to ${values.key}\n`);
  }
  const key = parseSignerKey(readFileSync(values.key, 'utf8').trim());
  if (key.type !== NOTE_COSIGNATURE_V1) throw new Error(`${values.key} is not a cosignature/v1 (0x04) key`);
  const genesis = parseGenesis(JSON.parse(readFileSync(values.genesis, 'utf8')));
  const logs = genesis.regions.map((r) => ({ origin: logOrigin(r.id), keys: [r.logKey] }));
  const server = createWitnessServer({ key, logs, store: new FileWitnessStore(values.state) });
  const port = Number(values.port);
  server.listen(port, values.host, () => {
    process.stdout.write(`witness ${key.name} (verifier key ${key.verifierKey}) witnesses ${logs.map((l) => l.origin).join(', ')} at http://${values.host}:${port}/add-checkpoint\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (error) {
  process.stderr.write(`witness: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

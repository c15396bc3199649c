import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DomainError } from '../domain/errors.js';
import { generateNetwork, parseRegionList } from '../domain/network/network-init.js';
import { genesisPath, regionKeysPath, writeNetworkFiles } from '../modules/network/network-files.js';
import { unignoredInWorkTree } from './git-ignore.js';

const USAGE =
  'usage: npm run network:init -- --data-dir DIR --regions eu=http://127.0.0.1:3001,ap=http://127.0.0.1:3002 [--network NAME] [--per-region]\n' +
  '  --per-region: one DATA_DIR per region (DIR/<region>/network.json and DIR/<region>/keys/<region>.json), ready to hand to each operator';

try {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      regions: { type: 'string' },
      network: { type: 'string', default: 'isthmus' },
      'per-region': { type: 'boolean', default: false },
    },
  });
  if (!values['data-dir'] || !values.regions) throw new Error(USAGE);
  const regions = parseRegionList(values.regions);
  const files = generateNetwork(values.network, regions);
  const root = values['data-dir'];
  const keyFiles = regions.map(({ id }) => regionKeysPath(values['per-region'] ? join(root, id) : root, id));
  if (values['per-region']) {
    for (const { id } of regions) {
      writeNetworkFiles(join(root, id), files, [id]);
      process.stdout.write(`wrote ${genesisPath(join(root, id))} and ${regionKeysPath(join(root, id), id)} (DATA_DIR of region ${id})\n`);
    }
  } else {
    writeNetworkFiles(root, files);
    process.stdout.write(`wrote ${genesisPath(root)}\n`);
    for (const { id } of regions) process.stdout.write(`wrote ${regionKeysPath(root, id)} (private: give it to region ${id} only)\n`);
    process.stdout.write(`${root} is not a DATA_DIR for two regions (each needs its own database); --per-region writes one DATA_DIR per region\n`);
  }
  const exposed = unignoredInWorkTree(keyFiles);
  if (exposed.length > 0) {
    process.stderr.write(`network:init: warning: ${exposed.join(', ')} (private keys) lie in a git work tree that does not ignore them: add them to .gitignore before git add\n`);
  }
} catch (error) {
  const message = error instanceof DomainError || error instanceof Error ? error.message : String(error);
  const exists = (error as NodeJS.ErrnoException).code === 'EEXIST' ? ' (refusing to overwrite existing network files)' : '';
  process.stderr.write(`network:init: ${message}${exists}\n`);
  process.exit(2);
}

import { parseArgs } from 'node:util';
import { DomainError } from '../domain/errors.js';
import { generateNetwork, parseRegionList } from '../domain/network/network-init.js';
import { genesisPath, regionKeysPath, writeNetworkFiles } from '../modules/network/network-files.js';

const USAGE = 'usage: npm run network:init -- --data-dir DIR --regions eu=http://127.0.0.1:3001,ap=http://127.0.0.1:3002 [--network NAME]';

try {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, regions: { type: 'string' }, network: { type: 'string', default: 'isthmus' } },
  });
  if (!values['data-dir'] || !values.regions) throw new Error(USAGE);
  const regions = parseRegionList(values.regions);
  const files = generateNetwork(values.network, regions);
  writeNetworkFiles(values['data-dir'], files);
  process.stdout.write(`wrote ${genesisPath(values['data-dir'])}\n`);
  for (const { id } of regions) process.stdout.write(`wrote ${regionKeysPath(values['data-dir'], id)} (private: give it to region ${id} only)\n`);
} catch (error) {
  const message = error instanceof DomainError || error instanceof Error ? error.message : String(error);
  const exists = (error as NodeJS.ErrnoException).code === 'EEXIST' ? ' (refusing to overwrite existing network files)' : '';
  process.stderr.write(`network:init: ${message}${exists}\n`);
  process.exit(2);
}

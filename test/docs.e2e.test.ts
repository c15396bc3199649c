import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoRegions, type TwoRegions } from './support/network.js';
import { ADMIN_TOKEN } from './support/region.js';

// The documentation a newcomer copies must run as written (issue 18): every ```sh block of
// README.md and docs/*.md runs, in order, in one bash session per file (`set -euo pipefail`),
// against two live regions — the layout `npm start` makes: eu on 127.0.0.1:3001, ap on 3002, the
// admin token in data/local-secrets.json, each region's policy.json in data/<region>/. The test
// only points those addresses and paths at the regions it started. A block marked
// `<!-- docs-test: skip (reason) -->` cannot run here; `<!-- docs-test: restart -->` before a
// block restarts both regions first (as the doc tells the reader to restart `npm start`).
// A line `# → text` in a block is output the doc promises: the block's output must contain it.
const ROOT = resolve(import.meta.dirname, '..');
const hasJq = spawnSync('bash', ['-c', 'command -v jq'], { encoding: 'utf8' }).status === 0;

/**
 * An example that gets a 4xx or 5xx where the doc shows none is wrong even when its output is
 * piped on (to jq, into a variable): curl fails on them here, printing the problem+json
 * (unless the example handles them itself: `-f` in a wait loop, `-w` printing the status).
 */
const FAIL_ON_HTTP_ERROR = 'curl() { case " $* " in *" -f "* | *" -sf "* | *" --fail "* | *" -w "*) command curl "$@" ;; *) command curl --fail-with-body "$@" ;; esac; }';

interface Block {
  readonly line: number;
  readonly code: string;
  readonly skip: boolean;
  readonly restart: boolean;
}

/** Runs a script without blocking this process (the regions answer from it). */
function bash(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|shell)\s*$/.test(lines[i]!)) continue;
    const marker = lines.slice(Math.max(0, i - 2), i).join('\n');
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    blocks.push({ line: start + 1, code: body.join('\n'), skip: /<!--\s*docs-test:\s*skip\b/.test(marker), restart: /<!--\s*docs-test:\s*restart\b/.test(marker) });
  }
  return blocks;
}

const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)].filter((f) => shellBlocks(readFileSync(join(ROOT, f), 'utf8')).length > 0);

describe.skipIf(!hasJq)('documentation examples run as written (jq is needed: apt-get install -y jq)', () => {
  let regions: TwoRegions;
  let work: string;

  beforeAll(async () => {
    regions = await startTwoRegions();
    work = mkdtempSync(join(tmpdir(), 'isthmus-docs-'));
    writeFileSync(join(work, 'local-secrets.json'), JSON.stringify({ adminToken: ADMIN_TOKEN }));
  }, 120_000);
  afterAll(async () => {
    await regions?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The doc's addresses and paths, pointed at this test's regions. */
  const localize = (code: string): string =>
    code
      .replaceAll('http://127.0.0.1:3001', regions.eu.url!)
      .replaceAll('http://127.0.0.1:3002', regions.ap.url!)
      .replace(/(\.\/)?data\/local-secrets\.json/g, join(work, 'local-secrets.json'))
      .replace(/(\.\/)?data\/(eu|ap)\//g, (_m, _dot, id: 'eu' | 'ap') => `${regions[id].config.dataDir}/`)
      // key files the examples write go to this run's own folder, so a failed run leaves none behind in the clone
      .replace(/(^|\s)(holder|wallet)\.(jwk|json)\b/g, (_m, pre: string, name: string, ext: string) => `${pre}${join(work, `${name}.${ext}`)}`);

  it.each(files)('%s', async (file) => {
    const blocks = shellBlocks(readFileSync(join(ROOT, file), 'utf8')).filter((b) => !b.skip);
    const state = join(work, `${file.replace(/\W/g, '_')}.env`);
    writeFileSync(state, '');
    for (const block of blocks) {
      if (block.restart) {
        await regions.restart('eu');
        await regions.restart('ap');
      }
      // variables carry from block to block (set -a exports them, the state file keeps them)
      const script = `set -euo pipefail\nset -a\n${FAIL_ON_HTTP_ERROR}\nsource ${JSON.stringify(state)}\n${localize(block.code)}\nexport -p > ${JSON.stringify(state)}\n`;
      const run = await bash(script);
      const where = `${file}:${block.line}`;
      expect(run.status, `${where} exited ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).toBe(0);
      for (const [, promised] of block.code.matchAll(/#\s*→\s*(.+)$/gm)) {
        expect(run.stdout, `${where} promises "${promised}"`).toContain(promised!.trim());
      }
    }
  }, 240_000);
});

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// README promises Node 20.19 for running Isthmus: no runtime dependency may ask for more
// (build tools may; README names them).
const satisfies = (createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean }).satisfies;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string; dev?: boolean; engines?: { node?: string } | string[] }> };

describe('Node versions', () => {
  it('every runtime dependency in the lockfile accepts the oldest Node that package.json supports', () => {
    const oldest = pkg.engines.node.replace(/^>=\s*/, '');
    expect(oldest).toMatch(/^\d+\.\d+$/);
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && !p.dev && !Array.isArray(p.engines) && p.engines?.node !== undefined && !satisfies(`${oldest}.0`, p.engines.node))
      .map(([path, p]) => `${path}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs on these machines: check what can be checked without one.
const dockerfile = readFileSync('docker/Dockerfile', 'utf8');
const compose = parse(readFileSync('docker/compose.yaml', 'utf8')) as {
  services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, unknown>; volumes?: string[] }>;
};
const readme = readFileSync('README.md', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

describe('docker/', () => {
  it('builds in stages and runs as a non-root user with a health check', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health\/ready/m);
  });

  it('starts with the one-region command the README documents', () => {
    expect(dockerfile).toMatch(/^CMD \["npm", "run", "start:region"\]$/m);
    expect(readme).toContain('npm run start:region');
    expect(pkg.scripts['start:region']).toBe('node dist/src/main.js');
  });

  it('runs both regions, each on its own PostgreSQL', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['db-ap', 'db-eu', 'region-ap', 'region-eu']);
    for (const id of ['eu', 'ap']) {
      const region = compose.services[`region-${id}`]!;
      expect(region.environment!.REGION_ID).toBe(id);
      expect(region.environment!.DATABASE_URL).toMatch(new RegExp(`@db-${id}:5432/`));
      expect(Object.keys(region.depends_on!)).toEqual([`db-${id}`]);
      expect(region.volumes!.join()).toMatch(new RegExp(`network/${id}:/data`));
    }
  });
});

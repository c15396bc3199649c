import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The repository stands alone: a clone has no sibling directories, so every link in its
// markdown must point at a file inside it that exists (and, with a #fragment, at a heading there).
const ROOT = resolve(import.meta.dirname, '..');
const SKIP = new Set(['node_modules', 'dist', 'data', '.git', 'coverage', 'results']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1]!)));
}

/** Every link target of a markdown file: inline links, images and reference definitions, code excluded. */
function linksIn(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const definitions = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...definitions];
}

/** What is wrong with one link of `file`, or undefined. */
function problemOf(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: outside by intent, not a file
  const [path, fragment] = target.split('#') as [string, string | undefined];
  const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
  const inside = relative(ROOT, resolved);
  if (inside.startsWith('..') || inside.startsWith(sep)) return 'points outside the repository';
  if (!existsSync(resolved)) return 'points to a file that does not exist';
  if (fragment && resolved.endsWith('.md') && !anchorsIn(resolved).has(fragment)) return `has no heading #${fragment}`;
  return undefined;
}

function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // Paths written as code that leave the repository (`../shared/…`, read from the file or from the
  // repository root) are references a clone cannot follow either.
  const leaves = (from: string, p: string) => relative(ROOT, resolve(from, p)).startsWith('..');
  const outside = [...text.matchAll(/`(\.\.\/[^`\s]+)`/g)].map((m) => m[1]!).filter((p) => leaves(dirname(file), p) || leaves(ROOT, p));
  return [
    ...linksIn(text).flatMap((target) => {
      const problem = problemOf(file, target);
      return problem ? [`${relative(ROOT, file)}: ${target} ${problem}`] : [];
    }),
    ...outside.map((p) => `${relative(ROOT, file)}: \`${p}\` points outside the repository`),
  ];
}

describe('markdown links', () => {
  const files = markdownFiles(ROOT);

  it('finds the repository’s markdown', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['README.md', join('docs', 'api.md'), join('docs', 'architecture.md')]));
  });

  it('every link points at an existing file inside the repository', () => {
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });

  it('catches links outside the repository, to missing files and to missing headings', () => {
    const readme = join(ROOT, 'README.md');
    expect(problemOf(readme, '../shared/DESIGN.md')).toBe('points outside the repository');
    expect(problemOf(readme, 'docs/nothing-here.md')).toBe('points to a file that does not exist');
    expect(problemOf(readme, 'docs/operations.md#no-such-heading')).toBe('has no heading #no-such-heading');
    expect(problemOf(readme, 'docs/operations.md#environment')).toBeUndefined();
    expect(problemOf(readme, 'https://www.w3.org/TR/vc-data-model-2.0/')).toBeUndefined();
    expect(linksIn('see [a](docs/a.md "t"), ![i](<img.png>), `[not](a link)`\n[ref]: ../out.md\n')).toEqual(['docs/a.md', 'img.png', '../out.md']);
  });
});

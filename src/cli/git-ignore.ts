import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';

/**
 * The files among `paths` that lie inside a git work tree which does not ignore them, so that
 * `git status` offers them for commit. Outside a work tree, or without git, none.
 */
export function unignoredInWorkTree(paths: readonly string[]): string[] {
  return paths.filter((path) => {
    // check-ignore exits 0 when ignored, 1 when not, 128 outside a work tree (or on error).
    const result = spawnSync('git', ['check-ignore', '-q', '--', path], { cwd: dirname(path), stdio: 'ignore' });
    return result.status === 1;
  });
}

import { spawnSync } from 'node:child_process';

/** What the browser tests launch Chromium with (headless, offline, nothing phoning home). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const which = (): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;
};

/**
 * Debian's `chromium`, installed with apt when it is missing and this process is root (within a
 * bounded time); otherwise why not, for the test to skip with a clear message.
 */
export function ensureChromium(timeoutMs = 600_000): { path: string } | { skip: string } {
  const present = which();
  if (present) return { path: present };
  if (process.getuid?.() !== 0) return { skip: 'chromium is not installed and this is not root, so it cannot be installed (apt-get install -y chromium)' };
  const install = spawnSync('sh', ['-c', 'apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }'], { stdio: 'ignore', timeout: timeoutMs });
  const installed = which();
  if (installed) return { path: installed };
  return { skip: `chromium is not installed and apt-get could not install it (exit ${install.status ?? install.signal ?? install.error?.message})` };
}

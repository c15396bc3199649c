import { describe, expect, it } from 'vitest';
import { raw } from '../../domain/explorer/html.js';
import type { HomeView } from './explorer.service.js';
import { EXPLORER_CSP, errorPage, homePage } from './pages.js';

const HOSTILE = '<img src=x onerror=alert(1)>';

const view: HomeView = {
  region: 'eu',
  network: `net${HOSTILE}`,
  chart: raw('<figure class="chart"></figure>'),
  logs: [{ log: 'eu', url: 'http://eu.example', checkpoint: null, newest: [{ log: 'eu', index: 0, time: '2026-12-01T00:00:00.000Z', kind: 'did-op', did: `did:isthmus:${HOSTILE}`, ref: null }] }],
  status: {
    region: 'eu',
    logs: [{ log: 'eu', role: 'writer', size: 1, acceptedSize: 1, cosignedSize: 0, lagEntries: 1, lagSeconds: 2.4, stopped: false, lastSyncAt: null, lastError: HOSTILE, catchUp: null }],
    alarms: [{ id: 1, log: 'ap', kind: 'equivocation', detail: `two roots ${HOSTILE}`, blocking: true, createdAt: '2026-12-01T00:00:00.000Z', firstSeenAt: '2026-12-01T00:00:00.000Z', lastSeenAt: '2026-12-01T00:00:00.000Z', count: 2 }],
    alarmCount: 3,
  },
};

describe('explorer pages', () => {
  it('show alarms, lag and errors, every value escaped', () => {
    const page = homePage(view);
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toMatch(/<li class="alarm">blocking equivocation on log ap since 2026-12-01T00:00:00.000Z \(2×\): two roots &lt;img/);
    expect(page).toContain('<p>3 open in all.</p>');
    expect(page).toContain('href="/explorer/dids/did%3Aisthmus%3A%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"');
  });

  it('error pages quote the detail as text, with the request id', () => {
    const page = errorPage('eu', 404, 'Not found', `no ${HOSTILE}`, 'req-1');
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain('request id <code>req-1</code>');
  });

  it('allow no script, only the page’s own style sheet by its hash', () => {
    expect(EXPLORER_CSP).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/);
  });
});

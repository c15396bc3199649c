import { createHash } from 'node:crypto';
import type { CheckpointSigner } from '../../domain/explorer/checkpoint-view.js';
import { html, raw, segment, type Html } from '../../domain/explorer/html.js';
import type { StatusListSummary } from '../../domain/explorer/status-summary.js';
import type { RegionPolicy } from '../../domain/policy/policy.js';
import type { CheckpointPage, DidView, EntryLine, EntryView, HomeView, TrustView } from './explorer.service.js';

// The explorer's pages as TypeScript template functions (nothing to copy into dist): every value
// goes through the escaping `html` template. No script anywhere; one inline style sheet, allowed
// by its hash in the Content-Security-Policy.

const CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--ok:#1a7f37;--bad:#d1242f;--warn:#9a6700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--bg:#0d1117;--ok:#3fb950;--bad:#f85149;--warn:#d29922}}
body{font:15px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0}
header{display:flex;flex-wrap:wrap;gap:1em;align-items:center;padding:.6em 1.2em;border-bottom:1px solid var(--line)}
header .brand{font-weight:600;text-decoration:none;color:inherit}
nav a{margin-right:1em}
form.search{margin-left:auto;display:flex;gap:.4em}
form.search input{width:28em;max-width:60vw;font:inherit;padding:.2em .4em}
main{padding:0 1.2em 2em;max-width:80em}
table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border-bottom:1px solid var(--line);padding:.25em .7em;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre,.mono{font-family:ui-monospace,monospace;font-size:13px;overflow-wrap:anywhere}
pre{background:rgba(127,127,127,.1);padding:.7em;overflow:auto;max-height:40em}
.verified{color:var(--ok);font-weight:600}.failed{color:var(--bad);font-weight:600}.absent,.pending{color:var(--warn)}
.json{font-size:13px;color:var(--muted)}
.chart{margin:0;max-width:44em}.legend{list-style:none;padding:0;display:flex;gap:1.5em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
.alarm{color:var(--bad)}
`;

/** The Content-Security-Policy of every explorer page: nothing but this page's own style sheet, forms to this region. */
export const EXPLORER_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export interface JsonTwin {
  readonly href: string;
  readonly label: string;
}

const didHref = (did: string): string => `/explorer/dids/${segment(did)}`;
const entryHref = (log: string, index: number): string => `/explorer/logs/${segment(log)}/entries/${index}`;
const checkpointHref = (log: string, size: number): string => `/explorer/logs/${segment(log)}/checkpoints/${size}`;
const listHref = (id: string): string => `/explorer/status-lists/${segment(id)}`;

const didLink = (did: string): Html => html`<a class="mono" href="${didHref(did)}">${did}</a>`;
const entryLink = (log: string, index: number): Html => html`<a href="${entryHref(log, index)}">${log} #${index}</a>`;
const json = (value: unknown): Html => html`<pre>${JSON.stringify(value, null, 2)}</pre>`;
const result = (value: string): Html => html`<span class="${value}">${value}</span>`;

/** The whole document: header with the search box, the page, and its JSON twins. */
export function layout(region: string, title: string, body: Html, twins: readonly JsonTwin[] = []): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Isthmus explorer (${region})</title>
<style>${raw(CSS)}</style>
</head>
<body>
<header>
<a class="brand" href="/explorer">Isthmus explorer · region ${region}</a>
<nav><a href="/explorer">Network</a><a href="/explorer/trust">Trust list</a><a href="/explorer/status-lists">Status lists</a><a href="/explorer/policy">Policy</a></nav>
<form class="search" method="get" action="/explorer/search" role="search">
<input type="search" name="q" aria-label="DID, entry index or status list id" placeholder="DID, entry (12 or eu/12) or status list id" maxlength="4096">
<button type="submit">Search</button>
</form>
</header>
<main>
<h1>${title}</h1>
${body}
${twins.length ? html`<p class="json">JSON: ${twins.map((t, i) => html`${i ? ' · ' : ''}<a rel="alternate" type="application/json" href="${t.href}">${t.label}</a>`)}</p>` : ''}
</main>
</body>
</html>
`.text;
}

function entriesTable(lines: readonly EntryLine[]): Html {
  if (lines.length === 0) return html`<p>No entries yet.</p>`;
  return html`<table class="entries"><thead><tr><th>entry</th><th>time (UTC)</th><th>kind</th><th>subject</th></tr></thead><tbody>
${lines.map(
  (l) =>
    html`<tr><td>${entryLink(l.log, l.index)}</td><td>${l.time}</td><td>${l.kind}</td><td>${l.did ? didLink(l.did) : l.kind === 'status-list' && l.ref ? html`<a class="mono" href="${listHref(l.ref)}">${l.ref}</a>` : ''}</td></tr>`,
)}</tbody></table>`;
}

function signersList(signers: readonly CheckpointSigner[], unknown: readonly string[]): Html {
  return html`<ul class="signers">${signers.map(
    (s) => html`<li data-signer="${s.region}-${s.role}">${s.role === 'log' ? 'signed' : 'cosigned'} by <strong>${s.region}</strong> (<code>${s.keyName}</code>): ${result(s.result)}${s.time ? html` at ${s.time}` : ''}</li>`,
  )}${unknown.map((name) => html`<li>signature by a key the genesis does not know: <code>${name}</code></li>`)}</ul>`;
}

export function homePage(view: HomeView): string {
  const { status } = view;
  const body = html`<p>Network <strong>${view.network}</strong>, as region <strong>${view.region}</strong> holds it: its own log and a verified mirror of every other region's.</p>
<h2>Regions and their logs</h2>
<table class="logs"><thead><tr><th>log</th><th>URL</th><th>role here</th><th>size</th><th>accepted</th><th>cosigned</th><th>lag (entries)</th><th>lag (s)</th><th>last sync</th><th>state</th></tr></thead><tbody>
${status.logs.map((l) => {
  const url = view.logs.find((o) => o.log === l.log)?.url ?? '';
  return html`<tr data-log="${l.log}"><td><strong>${l.log}</strong></td><td class="mono">${url}</td><td>${l.role}</td><td class="num" data-field="size">${l.size}</td><td class="num">${l.acceptedSize}</td><td class="num">${l.cosignedSize}</td><td class="num" data-field="lag">${l.lagEntries}</td><td class="num">${Math.round(l.lagSeconds)}</td><td>${l.lastSyncAt ?? '—'}</td><td>${l.stopped ? html`<span class="failed">stopped</span>` : l.lastError ? html`<span class="absent">${l.lastError}</span>` : 'ok'}</td></tr>`;
})}</tbody></table>
<h2>Alarms</h2>
${status.alarms.length === 0 ? html`<p class="alarms">No open alarms.</p>` : html`<ul class="alarms">${status.alarms.map((a) => html`<li class="alarm">${a.blocking ? 'blocking ' : ''}${a.kind} on log ${a.log} since ${a.createdAt} (${a.count}×): ${a.detail}</li>`)}</ul>${status.alarmCount > status.alarms.length ? html`<p>${status.alarmCount} open in all.</p>` : ''}`}
<h2>Entries over time</h2>
${view.chart}
${view.logs.map(
  (l) => html`<section data-log="${l.log}"><h2>Log ${l.log}</h2>
${l.checkpoint ? html`<p>Newest checkpoint: <a class="checkpoint" href="${checkpointHref(l.log, l.checkpoint.size)}">size ${l.checkpoint.size}</a>, root <code>${l.checkpoint.rootHash}</code>, stored ${l.checkpoint.createdAt}.</p>${signersList(l.checkpoint.signers, l.checkpoint.unknownSigners)}` : html`<p>No checkpoint of this log here yet.</p>`}
<h3>Newest entries</h3>
${entriesTable(l.newest)}</section>`,
)}`;
  return layout(view.region, `Network ${view.network}`, body, [
    { href: '/ledger/status', label: 'replication status' },
    { href: '/ledger/keys', label: 'verifier keys' },
    ...view.logs.map((l) => ({ href: `/ledger/${segment(l.log)}/checkpoint`, label: `${l.log} checkpoint` })),
  ]);
}

function keyChanges(label: string, keys: readonly string[]): Html | '' {
  return keys.length ? html`<div>${label}: ${keys.map((k, i) => html`${i ? ', ' : ''}<code>${k}</code>`)}</div>` : '';
}

export function didPage(region: string, view: DidView): string {
  const metadata = view.resolution.didDocumentMetadata as { deactivated?: boolean; created?: string; updated?: string; versionId?: string };
  const body = html`<p class="mono">${view.did}</p>
<dl class="facts">
<dt>state</dt><dd data-field="state">${metadata.deactivated ? html`<span class="failed">deactivated</span> (final: it has no keys and resolves with status 410)` : 'active'}</dd>
${metadata.created ? html`<dt>created</dt><dd>${metadata.created}</dd>` : ''}
${metadata.updated ? html`<dt>updated</dt><dd>${metadata.updated}</dd>` : ''}
${metadata.versionId ? html`<dt>version</dt><dd data-field="version">${metadata.versionId}</dd>` : ''}
</dl>
${view.timeline
  ? html`<h2>Version timeline</h2>
<table class="timeline"><thead><tr><th>version</th><th>operation</th><th>ledger entry</th><th>time (UTC)</th><th>inclusion proof</th><th>changes</th></tr></thead><tbody>
${view.timeline.map(
  (s) =>
    html`<tr data-version="${s.version}"><td class="num">${s.version}</td><td>${s.type}</td><td>${entryLink(s.log, s.index)}</td><td>${s.time}</td><td>${result(s.inclusion)}</td><td>${keyChanges('keys added', s.keysAdded)}${keyChanges('keys removed', s.keysRemoved)}${keyChanges('services added', s.servicesAdded)}${keyChanges('services removed', s.servicesRemoved)}${s.rotationKeysChanged ? html`<div>rotation keys changed</div>` : ''}</td></tr>`,
)}</tbody></table>`
  : html`<p>${view.did.split(':')[1]} DIDs are derived from their key alone: they have no ledger history.</p>`}
<h2>Resolved DID document</h2>
${json(view.resolution.didDocument)}`;
  const path = `/1.0/identifiers/${segment(view.did)}`;
  return layout(region, 'DID', body, [{ href: path, label: 'resolution result' }, ...(view.timeline ? [{ href: `${path}/log`, label: 'DID log with inclusion proofs' }] : [])]);
}

export function entryPage(region: string, view: EntryView): string {
  const { line } = view;
  const body = html`<dl class="facts">
<dt>log</dt><dd>${line.log}</dd>
<dt>index</dt><dd data-field="index">${line.index}</dd>
<dt>time</dt><dd>${line.time}</dd>
<dt>kind</dt><dd data-field="kind">${line.kind}</dd>
${line.did ? html`<dt>DID</dt><dd>${didLink(line.did)}</dd>` : ''}
${line.kind === 'status-list' && line.ref ? html`<dt>status list</dt><dd><a class="mono" href="${listHref(line.ref)}">${line.ref}</a></dd>` : ''}
<dt>leaf hash</dt><dd><code data-field="leafHash">${view.leafHash}</code></dd>
<dt>inclusion</dt><dd data-field="inclusion">${view.inclusion ? html`${result(view.inclusion.verified ? 'verified' : 'failed')} in the <a href="${checkpointHref(line.log, view.inclusion.size)}">checkpoint of size ${view.inclusion.size}</a> (root <code>${view.inclusion.rootHash}</code>, ${view.inclusion.proof.length} proof hashes)` : html`<span class="pending">pending</span>: no checkpoint covers it yet here`}</dd>
</dl>
<p class="pager">${line.index > 0 ? html`<a rel="prev" href="${entryHref(line.log, line.index - 1)}">← entry ${line.index - 1}</a>` : ''}${line.index > 0 && line.index + 1 < view.logSize ? ' · ' : ''}${line.index + 1 < view.logSize ? html`<a rel="next" href="${entryHref(line.log, line.index + 1)}">entry ${line.index + 1} →</a>` : ''}</p>
<h2>Entry</h2>
${json(view.entry)}`;
  return layout(region, `Entry ${line.log} #${line.index}`, body, [
    { href: `/ledger/${segment(line.log)}/entries?start=${line.index}&limit=1`, label: 'entry' },
    ...(view.inclusion ? [{ href: `/ledger/${segment(line.log)}/proof/inclusion?index=${line.index}&size=${view.inclusion.size}`, label: 'inclusion proof' }] : []),
  ]);
}

export function checkpointPage(region: string, page: CheckpointPage): string {
  const { view, consistency } = page;
  const body = html`<dl class="facts">
<dt>origin</dt><dd><code>${view.origin}</code></dd>
<dt>size</dt><dd data-field="size">${view.size}</dd>
<dt>root hash</dt><dd><code data-field="rootHash">${view.rootHash}</code></dd>
<dt>stored here</dt><dd>${page.createdAt}</dd>
<dt>newest size here</dt><dd>${page.latestSize === view.size ? html`${page.latestSize} (this is the newest)` : html`<a href="${checkpointHref(page.log, page.latestSize)}">${page.latestSize}</a>`}</dd>
<dt>previous checkpoint</dt><dd>${page.previousSize === null ? 'none' : html`<a rel="prev" href="${checkpointHref(page.log, page.previousSize)}">size ${page.previousSize}</a>`}</dd>
</dl>
<h2>Signatures</h2>
${signersList(view.signers, view.unknownSigners)}
<h2>Consistency</h2>
${consistency ? html`<p data-field="consistency">The tree of size ${consistency.from} (root <code>${consistency.fromRoot}</code>) is a prefix of this one: ${result(consistency.verified ? 'verified' : 'failed')} with ${consistency.proof.length} proof hashes, checked by this region with the RFC 9162 algorithm.</p>` : html`<p data-field="consistency">No earlier checkpoint to check against.</p>`}
<form method="get" action="${checkpointHref(page.log, view.size)}"><label>Check against an earlier size: <input type="number" name="from" min="0" max="${view.size}" value="${consistency?.from ?? 0}"></label> <button type="submit">Check</button></form>
${view.size > 0 ? html`<p>Last entry of this tree: ${entryLink(page.log, view.size - 1)}</p>` : ''}
<h2>Signed note</h2>
<pre>${page.note}</pre>`;
  return layout(region, `Checkpoint ${page.log} @ ${view.size}`, body, [
    { href: `/ledger/${segment(page.log)}/checkpoint`, label: 'newest checkpoint' },
    ...(consistency ? [{ href: `/ledger/${segment(page.log)}/proof/consistency?from=${consistency.from}&to=${consistency.to}`, label: 'consistency proof' }] : []),
  ]);
}

export function statusListsPage(region: string, lists: readonly { id: string; log: string; index: number; versions: number }[]): string {
  const body = html`<p>Every status list on this region's ledger copy. A list shows how many credentials it can hold and how many statuses are set, never which.</p>
${lists.length === 0 ? html`<p>No status lists yet.</p>` : html`<table class="lists"><thead><tr><th>list</th><th>log</th><th>versions</th><th>newest version's entry</th></tr></thead><tbody>${lists.map((l) => html`<tr><td><a class="mono" href="${listHref(l.id)}">${l.id}</a></td><td>${l.log}</td><td class="num">${l.versions}</td><td>${entryLink(l.log, l.index)}</td></tr>`)}</tbody></table>`}`;
  return layout(region, 'Status lists', body);
}

export function statusListPage(region: string, list: StatusListSummary & { log: string; index: number }): string {
  const body = html`<dl class="facts">
<dt>id</dt><dd class="mono">${list.id}</dd>
<dt>issuer</dt><dd>${didLink(list.issuer)}</dd>
<dt>format</dt><dd>${list.format}</dd>
<dt>purpose</dt><dd data-field="purpose">${list.purpose}</dd>
<dt>version</dt><dd data-field="version">${list.version} (${entryLink(list.log, list.index)})</dd>
<dt>size</dt><dd data-field="size">${list.size}</dd>
<dt>statuses set</dt><dd data-field="set">${list.set}</dd>
${list.revoked !== undefined ? html`<dt>revoked</dt><dd data-field="revoked">${list.revoked}</dd><dt>suspended</dt><dd data-field="suspended">${list.suspended}</dd>` : ''}
<dt>valid until</dt><dd>${list.validUntil ?? '—'}</dd>
</dl>
<p>Which credentials are set is not shown: the index of a credential is known to its holder and its verifiers, and the list exists so that nobody else learns it.</p>`;
  return layout(region, 'Status list', body, [{ href: `/status-lists/${segment(list.id)}`, label: `signed list (${list.format})` }]);
}

export function trustPage(region: string, view: TrustView): string {
  const body = html`<p>Accreditations of issuers by each region's governance, from this region's ledger copy.</p>
<h2>Accreditations</h2>
${view.accreditations.length === 0 ? html`<p>No accreditations.</p>` : html`<table class="accreditations"><thead><tr><th>issuer</th><th>accredited by</th><th>credential types</th><th>jurisdiction</th><th>valid</th><th>state</th><th>entry</th></tr></thead><tbody>
${view.accreditations.map((a) => {
  const acc = a.accreditation as { issuer: string; region: string; credentialTypes: string[]; jurisdiction: string; validFrom: string; validUntil?: string };
  return html`<tr><td>${didLink(acc.issuer)}</td><td>${acc.region}</td><td>${acc.credentialTypes.join(', ')}</td><td>${acc.jurisdiction}</td><td>${acc.validFrom} – ${acc.validUntil ?? 'no end'}</td><td>${a.active ? 'active' : 'not active now'}</td><td>${entryLink(a.log, a.index)}</td></tr>`;
})}</tbody></table>`}
<h2>Withdrawals</h2>
${view.withdrawals.length === 0 ? html`<p>No withdrawals.</p>` : html`<table class="withdrawals"><thead><tr><th>withdrawn accreditation</th><th>issuer</th><th>by</th><th>when</th><th>entry</th></tr></thead><tbody>
${view.withdrawals.map((w) => html`<tr><td class="mono">${w.withdraws}</td><td>${w.issuer ? didLink(w.issuer) : '—'}</td><td>${w.region}</td><td>${w.issued}</td><td>${entryLink(w.log, w.index)}</td></tr>`)}</tbody></table>`}`;
  return layout(region, 'Trust list', body, [{ href: '/trust/issuers', label: 'trust list' }]);
}

export function policyPage(region: string, policy: RegionPolicy): string {
  const rows = (record: Readonly<Record<string, unknown>>, show: (v: unknown) => string): Html =>
    Object.keys(record).length === 0 ? html`<p>None.</p>` : html`<table><tbody>${Object.entries(record).map(([k, v]) => html`<tr><th>${k}</th><td>${show(v)}</td></tr>`)}</tbody></table>`;
  const list = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : String(v));
  const body = html`<p>The jurisdiction policy of region <strong>${region}</strong>.</p>
<h2>Claims that must stay selectively disclosable</h2>${rows(policy.protectedClaims, list)}
<h2>What relying parties here may receive from other regions' credentials</h2>${rows(policy.foreignDisclosure, (v) => Object.entries(v as Record<string, string[]>).map(([purpose, claims]) => `${purpose}: ${claims.join(', ') || 'nothing'}`).join('; '))}
<h2>Accreditations recognized from other regions</h2>${rows(policy.recognize, (v) => (v === '*' ? 'every type' : list(v)))}
<h2>Retention</h2><p data-field="retention">Issuance records: ${policy.retention.keep === 'full' ? 'kept whole' : 'only what status changes need'}${policy.retention.issuanceRecordDays !== undefined ? `, for ${policy.retention.issuanceRecordDays} days` : ''}.</p>`;
  return layout(region, 'Policy', body, [{ href: '/policy', label: 'policy' }]);
}

export function errorPage(region: string, status: number, title: string, detail: string, requestId: string): string {
  const body = html`<p data-field="detail">${detail}</p>
<p>${status === 404 ? 'Try the search box above with a DID, an entry index (12, or eu/12 for a named log) or a status list id, or start from the ' : 'Start again from the '}<a href="/explorer">network page</a>.</p>
<p class="json">status ${status} · request id <code>${requestId}</code></p>`;
  return layout(region, title, body);
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document and the answers are read loosely */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from './support/http.js';
import { ADMIN_TOKEN, freePort, startRegion, testNetwork, type TestRegion } from './support/region.js';

// Property-based fuzzing of every operation in the built application's OpenAPI document, against
// two live regions: hostile requests (schema-shaped bodies with wrong types, nulls, huge strings,
// deep nesting, odd unicode, forged token claims; long and badly encoded path parameters; wrong
// content types; every kind of bearer token) must never get a 5xx, a 4xx is always problem+json
// (or the documented verification result), every body parses, and nothing hangs.
// FUZZ_RUNS (per operation) and FUZZ_SEED widen or vary the search; the defaults keep `npm test` short.
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 9457);
const REQUEST_TIMEOUT_MS = 10_000;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: { name: string; in: string; required?: boolean; schema?: any; example?: unknown }[];
  readonly body: any | undefined;
  readonly responses: Record<string, any>;
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly requestId: string | undefined;
  readonly text: string;
}

let eu: TestRegion;
let ap: TestRegion;
let document: any;
let operations: Operation[] = [];
let issuerKey = '';
/** Values that reach past the first checks: real DIDs, tokens, ids of this run. */
const pool: string[] = ['eu', 'ap', 'isthmus', '0', '1'];
const tokens: string[] = [];

beforeAll(async () => {
  const [euPort, apPort] = [await freePort(), await freePort()];
  const network = testNetwork([
    { id: 'eu', url: `http://127.0.0.1:${euPort}` },
    { id: 'ap', url: `http://127.0.0.1:${apPort}` },
  ]);
  [eu, ap] = await Promise.all([
    startRegion({ regionId: 'eu', network, listen: true, port: euPort, fromBuild: true }),
    startRegion({ regionId: 'ap', network, listen: true, port: apPort, fromBuild: true }),
  ]);
  document = await (await fetch(`${eu.url}/openapi.json`)).json();
  operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
      responses: op.responses ?? {},
    })),
  );
  await seedPool();
}, 60_000);

afterAll(async () => {
  await Promise.all([eu?.close(), ap?.close()]);
});

/** An issuer tenant with DIDs, credentials in each format and an accreditation: what a hostile request mutates. */
async function seedPool(): Promise<void> {
  const tenant = await postJson(eu.url!, '/admin/issuers', { name: 'Fuzz University' }, ADMIN_TOKEN);
  issuerKey = tenant.body.apiKey;
  pool.push(tenant.body.id); // a real tenant: its OpenID4VCI endpoints get past the path check
  for (const keyType of ['Ed25519', 'P-256']) {
    const created = await postJson(eu.url!, '/1.0/create?method=isthmus', { options: { keyType } }, issuerKey);
    pool.push(created.body.didState.did);
  }
  const did = pool[pool.length - 2]!;
  const credential = { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'FuzzCredential'], issuer: did, validFrom: '2026-01-01T00:00:00Z', credentialSubject: { id: pool[pool.length - 1], degree: 'MSc', birthDate: '2000-01-01' } };
  for (const format of ['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt']) {
    const issued = await postJson(eu.url!, '/credentials/issue', { credential, options: { format, status: ['revocation', 'suspension'], ...(format === 'vc+jwt' ? {} : { selectivelyDisclosable: ['/credentialSubject/degree'] }) } }, issuerKey);
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const id = issued.body.verifiableCredential.id as string;
    pool.push(issued.body.credentialId, id);
    tokens.push(id.slice(id.indexOf(',') + 1));
  }
  const accredited = await postJson(eu.url!, '/trust/issuers', { issuer: did, credentialTypes: ['FuzzCredential'] }, ADMIN_TOKEN);
  pool.push(accredited.body.entry?.id ?? '00000000-0000-4000-8000-000000000000');
  pool.push(...tokens);
}

// ---- hostile values -------------------------------------------------------------------------

const DEEP = '\u0000deep:';
/** A placeholder for nesting too deep to build as a value; spliced into the JSON text as brackets. */
const deep = (depth: number, open: '[' | '{"a":'): string => `${DEEP}${open === '[' ? 'a' : 'o'}${depth}`;
const spliceDeep = (json: string): string =>
  json.replace(/"\\u0000deep:([ao])(\d+)"/g, (_, kind: string, n: string) => (kind === 'a' ? '['.repeat(+n) + ']'.repeat(+n) : '{"a":'.repeat(+n) + '1' + '}'.repeat(+n)));

const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\u202e\u0635\u0644',
  '\ufeff',
  '\ud800',
  '\udfff\ud800',
  '💥'.repeat(50),
  'did:isthmus:',
  'did:isthmus:aaaaaaaaaaaaaaaaaaaaaaaa',
  'did:key:z',
  'did:jwk:e30',
  'did:web:example.com',
  '../../etc/passwd',
  '%',
  '%zz',
  '%E0%A4%A',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '-1',
  '1e400',
  '9007199254740993',
  'data:application/vc+jwt,',
  'data:application/vc+sd-jwt,a.b.c~',
  'a.b.c',
  'eyJhbGciOiJub25lIn0.e30.',
  'a~b~c~',
  'x'.repeat(70_000),
);

/** Drawn when generating (the pool fills in beforeAll). */
const poolValue: fc.Arbitrary<string> = fc.constant(null).chain(() => fc.constantFrom(...pool));

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: poolValue },
  { weight: 3, arbitrary: oddStrings },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 4, arbitrary: fc.constant(null).chain(() => forgedToken()) },
);

const hostileNumber = fc.oneof(fc.constantFrom(0, -1, 1.5, 1e20, -1e20, 1e308, -1e308, 2 ** 53 + 2, 4294967296, -0), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** What replaces a value: the wrong type, null, huge, deep, odd. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(null, true, false, {}, [], [null], [{}], { id: null }, { id: {} }, { toString: 1 }, [[[]]]) },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 10_000, 100_000).chain((n) => fc.constantFrom(deep(n, '['), deep(n, '{"a":'))) },
  { weight: 1, arbitrary: fc.array(hostileString, { minLength: 20, maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom(50, 500).map((n) => Array.from({ length: n }, () => ({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation', statusListIndex: '1', statusListCredential: 'https://x.example/1' }))) },
);

/** What a field gets instead of its value: mostly null or the wrong type. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>({}, [], [null], 'x', 1e20, -1, true, { a: 1 }) },
  { weight: 1, arbitrary: hostileValue },
);

interface Mutation {
  /** At the top level by key (the fields that matter), or at any node by position. */
  readonly top: boolean;
  readonly at: number;
  readonly kind: 'replace' | 'delete' | 'add';
  readonly value: unknown;
  readonly key: string;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  top: fc.boolean(),
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'replace', 'delete', 'add'),
  value: hostileValue,
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'issuer', 'status', 'credentialStatus', 'iat', 'exp', 'nbf', 'cnf', 'vct', 'type', 'id', '_sd', '...'), fc.string({ maxLength: 8 })),
});

/** Every (parent, key) in a JSON value, top level first so that the fields that matter are hit often. */
function slots(value: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const queue: unknown[] = [value];
  while (queue.length > 0) {
    const node = queue.shift();
    if (Array.isArray(node)) node.forEach((child, i) => (out.push([node, i]), queue.push(child)));
    else if (node !== null && typeof node === 'object') {
      for (const [k, child] of Object.entries(node)) {
        out.push([node as Record<string, unknown>, k]);
        queue.push(child);
      }
    }
  }
  return out;
}

/** A deep copy of `value` with the mutations applied (the root itself may be replaced). */
function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  let root: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  for (const { value: shared, ...m } of mutations) {
    const v = structuredClone(shared); // never alias (or mutate) a generated value
    if (m.top && root !== null && typeof root === 'object' && !Array.isArray(root)) {
      const target = root as Record<string, unknown>;
      if (m.kind === 'delete') delete target[m.key];
      else Object.defineProperty(target, m.key, { value: v, enumerable: true, configurable: true, writable: true });
      continue;
    }
    const all = slots(root);
    if (all.length === 0 || m.at % (all.length + 1) === all.length) {
      if (m.kind === 'add' && root !== null && typeof root === 'object' && !Array.isArray(root)) Object.defineProperty(root, m.key, { value: v, enumerable: true, configurable: true, writable: true });
      else root = v;
      continue;
    }
    const [parent, key] = all[(m.at * 7) % all.length]!;
    if (m.kind === 'replace') (parent as any)[key] = v;
    else if (m.kind === 'delete' && Array.isArray(parent)) parent.splice(key as number, 1);
    else if (m.kind === 'delete') delete (parent as any)[key];
    else if (Array.isArray(parent)) parent.push(v);
    else Object.defineProperty(parent, m.key, { value: v, enumerable: true, configurable: true, writable: true });
  }
  return root;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const unb64 = (part: string) => Buffer.from(part, 'base64url').toString('utf8');

/** One of the issued tokens with its header or payload claims mutated (signature kept): checks before the signature check see it. */
function forgedToken(): fc.Arbitrary<string> {
  return fc.record({ token: fc.constantFrom(...tokens), header: fc.boolean(), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }), enveloped: fc.boolean() }).map(({ token, header, mutations, enveloped }) => {
    const [jwt, ...rest] = token.split('~');
    const [h, p, s] = jwt!.split('.');
    const forged = header ? [b64(spliceDeep(JSON.stringify(mutate(JSON.parse(unb64(h!)), mutations)) ?? 'null')), p, s] : [h, b64(spliceDeep(JSON.stringify(mutate(JSON.parse(unb64(p!)), mutations)) ?? 'null')), s];
    const compact = [forged.join('.'), ...rest].join('~');
    return enveloped ? `data:application/${token.includes('~') ? 'vc+sd-jwt' : 'vc+jwt'},${compact}` : compact;
  });
}

// ---- values from the schema ------------------------------------------------------------------

const resolve = (schema: any): any => (schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema);
const OUR_DID = () => pool.find((v) => v.startsWith('did:isthmus:'))!;
/** The document's examples speak of a DID and tokens that do not exist here: use this run's. */
const localize = (example: unknown): unknown =>
  JSON.parse(JSON.stringify(example).replace(/did:isthmus:[a-z2-7]{24}/g, OUR_DID()).replace(/"data:application\/vc\+jwt,eyJ…"/g, JSON.stringify(`data:application/vc+jwt,${tokens[0]}`)).replace(/"eyJ…[^"]*"/g, JSON.stringify(tokens[1])));

/** A value the schema accepts, more or less: what the mutations start from. */
function fromSchema(raw: any, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw) ?? {};
  if (schema.example !== undefined && depth > 0) return fc.oneof(fc.constant(localize(schema.example)), fc.constant(null).chain(() => byType(schema, depth)));
  return byType(schema, depth);
}

function byType(schema: any, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf ?? schema.anyOf) return fc.oneof(...(schema.oneOf ?? schema.anyOf).map((s: any) => fromSchema(s, depth + 1)));
  if (schema.allOf) return fromSchema(schema.allOf[schema.allOf.length - 1], depth);
  switch (schema.type) {
    case 'object': {
      if (!schema.properties || depth > 4) return fc.constant(schema.example !== undefined ? localize(schema.example) : {});
      const required = new Set<string>(schema.required ?? []);
      const entries = Object.entries(schema.properties as Record<string, any>);
      const field = (s: any) => fc.oneof({ weight: 4, arbitrary: fromSchema(s, depth + 1) }, { weight: 1, arbitrary: wrongValue });
      return fc.tuple(...entries.map(([k, s]) => fc.tuple(fc.constant(k), field(s), required.has(k) ? fc.constant(true) : fc.boolean()))).map((fields) => Object.fromEntries(fields.filter(([, , keep]) => keep).map(([k, v]) => [k, v])));
    }
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'integer':
    case 'number':
      return fc.oneof(fc.nat(1000), hostileNumber);
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.oneof(poolValue, schema.example !== undefined ? fc.constant(localize(schema.example)) : fc.string({ maxLength: 20 }));
    default:
      return fc.constant(schema.example !== undefined ? localize(schema.example) : {});
  }
}

// ---- requests ----------------------------------------------------------------------------------

const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: poolValue.map(encodeURIComponent) },
  { weight: 3, arbitrary: hostileString.map((s) => (s.length > 5000 ? s.slice(0, 5000) : s)).map(encodeLoosely) },
  { weight: 2, arbitrary: fc.constantFrom('%zz', '%E0%A4%A', '%', '%%', '%C0%AF', '%00', '%2F..%2F', 'a%2Fb', '%uD800', '%ED%A0%80') },
  { weight: 1, arbitrary: fc.constantFrom(4097, 5000, 20_000).map((n) => 'a'.repeat(n)) },
);

/** Percent-encodes like a client would, and lone surrogates like a careless one. */
function encodeLoosely(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[^A-Za-z0-9._~-]/g, (c) => `%${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`);
  }
}

const AUTH = ['none', 'admin', 'issuer', 'garbage', 'basic', 'empty'] as const;
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  undefined,
  'text/plain',
  'application/xml',
  'application/problem+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  ';;;',
] as const;

interface FuzzRequest {
  readonly region: 'eu' | 'ap';
  readonly method: string;
  readonly path: string;
  readonly auth: (typeof AUTH)[number];
  readonly contentType: string | undefined;
  readonly body: string | undefined;
}

function requestFor(op: Operation): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const path = fc.tuple(...pathParams.map(() => pathSegment)).map((values) => pathParams.reduce((p, param, i) => p.replace(`{${param.name}}`, values[i]!), op.path));
  const queryValue = fc.oneof(poolValue, fc.integer().map(String), hostileNumber.map(String), pathSegment);
  const query = fc.oneof(
    { weight: 3, arbitrary: fc.array(fc.tuple(fc.constantFrom(...queryParams.map((p) => p.name), 'x', '__proto__'), queryValue), { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', 'a[b]=1', '&&&', '=', 'limit=1&limit=2', 'region=eu&region=ap', 'start[]=1') },
  );
  const body = op.body
    ? fc.oneof(
        { weight: 8, arbitrary: fc.tuple(fromSchema(op.body), fc.array(mutation, { maxLength: 3 })).map(([valid, mutations]) => spliceDeep(JSON.stringify(mutate(valid, mutations)) ?? 'null')) },
        { weight: 2, arbitrary: fc.constantFrom<string | undefined>(undefined, '', 'null', '[]', '"x"', '1', '{', '{"a":1,}', '\ufeff{}', '{"__proto__":{"x":1}}', spliceDeep(JSON.stringify(deep(100_000, '['))), spliceDeep(JSON.stringify({ a: deep(20_000, '{"a":') }))) },
      )
    : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('{}', 'null', '{', 'x') });
  return fc.record({
    region: fc.constantFrom('eu', 'ap'),
    method: fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') }),
    path: fc.tuple(path, query).map(([p, q]) => (q ? `${p}?${q}` : p)),
    auth: fc.constantFrom(...AUTH),
    contentType: op.body ? fc.constantFrom(...CONTENT_TYPES) : fc.constantFrom(undefined, 'application/json', 'text/plain'),
    body,
  });
}

function send(req: FuzzRequest): Promise<Answer> {
  const base = new URL((req.region === 'eu' ? eu : ap).url!);
  const authorization = { none: undefined, admin: `Bearer ${ADMIN_TOKEN}`, issuer: `Bearer ${issuerKey}`, garbage: 'Bearer \u00ff\u00fe', basic: 'Basic YTpi', empty: 'Bearer ' }[req.auth];
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (req.contentType) headers['content-type'] = req.contentType;
  const payload = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((resolveAnswer, reject) => {
    const outgoing = httpRequest({ host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveAnswer({ status: res.statusCode!, contentType: String(res.headers['content-type'] ?? ''), requestId: res.headers['x-request-id'] as string | undefined, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () => outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

const clip = (text: string): string => (text.length > 300 ? `${text.slice(0, 240)}…(${text.length} chars)…${text.slice(-40)}` : text);

/** Explorer error pages seen (HTML 4xx): the fuzzing reaches past the framework into the explorer's own checks. */
let htmlErrors = 0;

/** Statuses observed that the operation's OpenAPI responses do not list: the document must tell every status (issue 18). */
const undocumented = new Map<string, string>();

/** The error contract (docs/errors.md). */
function checkAnswer(op: Operation, req: FuzzRequest, answer: Answer): void {
  const where = `${req.region}: ${req.method} ${clip(req.path)} (auth ${req.auth}, content-type ${req.contentType}) body ${clip(String(req.body))}\n→ ${answer.status} ${answer.contentType} ${clip(answer.text)}`;
  const declared = req.method === op.method ? op.responses[String(answer.status)] : undefined;
  if (req.method === op.method && !declared) undocumented.set(`${op.method} ${op.path} answered ${answer.status}, which its OpenAPI operation does not list`, clip(where));
  expect(answer.status >= 500 && !(answer.status !== 500 && declared), `a server error for bad input: ${where}`).toBe(false);
  if (req.method === 'HEAD') return;
  if (answer.status >= 400) {
    const oauthError = /OAuthErrorDto$/.test(declared?.content?.['application/json']?.schema?.$ref ?? '') || (op.path.startsWith('/oid4vp/requests/{id}/') && declared?.content?.['application/json']);
    if (oauthError && /^application\/json/.test(answer.contentType)) {
      // Wallet endpoints (OpenID4VCI, OpenID4VP) answer OAuth errors (docs/wallets.md), as their operations document.
      expect(JSON.parse(answer.text), where).toMatchObject({ error: expect.stringMatching(/^[a-z_]+$/), error_description: expect.any(String) });
      return;
    }
    if (declared?.content?.['application/json'] && /^application\/json/.test(answer.contentType)) {
      // The VC API's own answer for "not verified", documented in the operation.
      expect(JSON.parse(answer.text), where).toMatchObject({ verified: false, errors: expect.any(Array) });
      return;
    }
    if (op.path === '/1.0/identifiers/{did}' && /^application\/did-resolution/.test(answer.contentType)) {
      // W3C DID Resolution: the error travels in the resolution result's metadata.
      expect(JSON.parse(answer.text), where).toMatchObject({ didResolutionMetadata: { error: expect.anything() } });
      return;
    }
    if (/^text\/html/.test(answer.contentType)) {
      // The explorer's error pages (docs/explorer.md): HTML where the operation documents it, escaped, no internals.
      expect(declared?.content?.['text/html'], `an HTML answer the operation does not document: ${where}`).toBeDefined();
      expect(answer.text, where).toMatch(/^<!doctype html>/);
      expect(answer.text, `a stack trace: ${where}`).not.toMatch(/\bat .*\.(js|ts):\d+/);
      expect(answer.text, `markup from the request: ${where}`).not.toMatch(/<script|<svg[^>]*onload|<img/i);
      htmlErrors++;
      return;
    }
    expect(answer.contentType, `not problem+json: ${where}`).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(answer.text);
    expect(problem, where).toMatchObject({ type: expect.stringMatching(/^https:\/\//), title: expect.any(String), status: answer.status, detail: expect.any(String) });
    expect(answer.text, `a stack trace: ${where}`).not.toMatch(/\bat .*\.(js|ts):\d+/);
    expect(problem.detail.length, `detail quotes the input: ${where}`).toBeLessThan(2_000);
  } else if (/json/.test(answer.contentType)) {
    expect(() => JSON.parse(answer.text), where).not.toThrow();
  }
}

describe('fuzzing every operation of the OpenAPI document', () => {
  it('finds the operations and the body schemas of the build', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((op) => op.body).length).toBeGreaterThan(8);
    expect(tokens).toHaveLength(3);
  });

  it('never answers bad input with a 5xx, always with problem+json, and never hangs', async () => {
    const failures: string[] = [];
    for (const [i, op] of operations.entries()) {
      const runs = op.body ? RUNS * 2 : RUNS;
      const result = await fc.check(
        fc.asyncProperty(requestFor(op), async (req) => checkAnswer(op, req, await send(req))),
        { numRuns: runs, seed: SEED + i, endOnFailure: false, interruptAfterTimeLimit: 60_000 },
      );
      if (result.failed) failures.push(`${op.method} ${op.path} (seed ${SEED + i}, after ${result.numRuns} runs, shrunk ${result.numShrinks}×): ${(result.errorInstance as Error | undefined)?.message?.slice(0, 1_500)}`);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  }, 300_000);

  it('reached the explorer’s own error pages', () => {
    expect(htmlErrors).toBeGreaterThan(0);
  });

  it('observed no status that the OpenAPI document does not list', () => {
    expect([...undocumented.keys()], [...undocumented].map(([what, example]) => `${what}, e.g. ${example}`).join('\n\n')).toEqual([]);
  });
});

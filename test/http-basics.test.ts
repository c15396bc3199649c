import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ADMIN_TOKEN, startRegion, type TestRegion } from './support/region.js';

let region: TestRegion;
const http = () => request(region.app.getHttpServer());
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  region = await startRegion({ env: { BODY_LIMIT_BYTES: '4096' } });
});
afterAll(async () => {
  await region?.close();
});

function expectProblem(res: request.Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack trace
}

describe('health', () => {
  it('is live', async () => {
    const res = await http().get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', region: 'eu' });
  });

  it('is ready: database reachable, genesis and keys loaded', async () => {
    const res = await http().get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks).toMatchObject({
      database: 'ok',
      genesis: 'ok (2 regions)',
      keys: 'ok (isthmus/eu)',
    });
  });
});

describe('problem+json for every error', () => {
  it('unknown path → 404', async () => {
    const res = await http().get('/no/such/thing');
    expectProblem(res, 404);
    expect(res.body.detail).toContain('/no/such/thing');
  });

  it('malformed JSON → 400', async () => {
    const res = await http().post('/admin/issuers').set(admin).set('content-type', 'application/json').send('{"name": ');
    expectProblem(res, 400);
    expect(res.body.detail).toMatch(/not valid JSON/);
  });

  it('validation → 400 naming the fields', async () => {
    const res = await http().post('/admin/issuers').set(admin).send({ name: '', colour: 'red' });
    expectProblem(res, 400);
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/name', '/colour']));
    expect(res.body.detail).toContain('/name');
  });

  it('body over the limit → 413', async () => {
    const res = await http().post('/admin/issuers').set(admin).send({ name: 'x'.repeat(5000) });
    expectProblem(res, 413);
  });

  it('unsupported media type → 415', async () => {
    const res = await http().post('/admin/issuers').set(admin).set('content-type', 'application/xml').send('<name/>');
    expectProblem(res, 415);
  });

  it('no admin token → 401', async () => {
    const res = await http().post('/admin/issuers').send({ name: 'Leiden' });
    expectProblem(res, 401);
  });

  it('wrong admin token → 401', async () => {
    const res = await http().post('/admin/issuers').set({ authorization: 'Bearer nope' }).send({ name: 'Leiden' });
    expectProblem(res, 401);
  });

  it('bad percent-encoding in the path → 400, without quoting the path', async () => {
    const res = await http().get('/1.0/identifiers/%zz');
    expectProblem(res, 400);
    expect(res.body.detail).not.toContain('%zz');
  });

  it('a path parameter over the limit → 414', async () => {
    const res = await http().get(`/1.0/identifiers/${'a'.repeat(5000)}`);
    expectProblem(res, 414);
    expect(res.text.length).toBeLessThan(1000);
  });

  it('a request line over Node\'s header limit → 431, answered by the socket handler', async () => {
    const res = await http().get(`/health/live?x=${'a'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.text)).toMatchObject({ status: 431, type: expect.stringMatching(/^https:/), detail: expect.any(String) });
  });

  it('JSON nested deeper than the limit → 400 naming it, before anything recurses', async () => {
    // This region's body limit is 4 KiB; the fuzz test sends 100 000 levels to the default 1 MiB.
    for (const body of ['['.repeat(65) + ']'.repeat(65), `{"name":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`]) {
      const res = await http().post('/admin/issuers').set(admin).set('content-type', 'application/json').send(body);
      expectProblem(res, 400);
      expect(res.body).toMatchObject({ type: 'https://isthmus.dev/problems/json-too-deep', maxDepth: 64 });
    }
  });

  it('a form body → 415: the API speaks JSON only', async () => {
    const res = await http().post('/admin/issuers').set(admin).set('content-type', 'application/x-www-form-urlencoded').send('name=Leiden');
    expectProblem(res, 415);
  });

  it('keeps a sane caller request id', async () => {
    const res = await http().get('/nowhere').set('x-request-id', 'trace-42');
    expect(res.headers['x-request-id']).toBe('trace-42');
    expect(res.body.requestId).toBe('trace-42');
  });
});

describe('issuer tenants', () => {
  it('registers an issuer and shows its API key once', async () => {
    const res = await http().post('/admin/issuers').set(admin).send({ name: 'University of Leiden' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'University of Leiden', apiKey: expect.stringMatching(/^isk_[A-Za-z0-9_-]{43}$/) });
    const db = region.app.get<DataSource>(getDataSourceToken());
    const rows = await db.query('SELECT * FROM issuer');
    expect(JSON.stringify(rows)).not.toContain(res.body.apiKey);
  });
});

describe('OpenAPI', () => {
  it('serves the document generated from the code', async () => {
    const res = await http().get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/admin/issuers']));
  });

  it('renders it at /docs', async () => {
    const res = await http().get('/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });
});

// Last: it breaks the database under the app on purpose.
describe('an unexpected failure', () => {
  it('→ 500 with a request id and no internals', async () => {
    const db = region.app.get<DataSource>(getDataSourceToken());
    await db.query('DROP TABLE issuer');
    const res = await http().post('/admin/issuers').set(admin).send({ name: 'Leiden' });
    expectProblem(res, 500);
    expect(res.body.detail).not.toMatch(/issuer|table|SQL|relation/i);
  });
});

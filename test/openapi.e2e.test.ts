/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is read loosely */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegion, type TestRegion } from './support/region.js';

// The OpenAPI document of the build tells every status a route can answer, each error with
// its schema (issue 18): a client generated from it handles what the service really says.
let region: TestRegion;
let document: Record<string, any>;
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

beforeAll(async () => {
  region = await startRegion({ fromBuild: true });
  document = (await region.app.inject({ method: 'GET', url: '/openapi.json' })).json();
}, 60_000);
afterAll(async () => {
  await region?.close();
});

const operations = (): { where: string; op: Record<string, any> }[] =>
  Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
  );

describe('the OpenAPI document', () => {
  it('registers the problem+json schema once and every 4xx/5xx of every operation has a schema', () => {
    expect(document.components.schemas.Problem).toMatchObject({ required: ['type', 'title', 'status', 'detail'], properties: { errors: { type: 'array' } } });
    const missing: string[] = [];
    for (const { where, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
        if (Number(status) < 400) continue;
        const schemas = Object.values(response.content ?? {}).map((c: any) => c.schema);
        if (schemas.length === 0 || schemas.some((s) => !s)) missing.push(`${where} ${status}`);
      }
      for (const status of ['400', '500']) if (!op.responses[status]) missing.push(`${where} lists no ${status}`);
      if (op.security?.some((r: Record<string, unknown>) => 'bearer' in r) && !op.responses['401']) missing.push(`${where} lists no 401`);
      if (op.requestBody && !op.responses['415']) missing.push(`${where} lists no 415`);
    }
    expect(missing).toEqual([]);
  });

  it('problem+json responses point at the Problem schema', () => {
    const create = document.paths['/1.0/create'].post.responses;
    expect(create['401'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
  });

  it('lists what resolution, operations, issuance, the registrar and status lists answer', () => {
    const statuses = (path: string, method: string): string[] => Object.keys(document.paths[path][method].responses);
    expect(statuses('/1.0/identifiers/{did}', 'get')).toEqual(expect.arrayContaining(['200', '400', '404', '406', '410', '501']));
    expect(document.paths['/1.0/identifiers/{did}'].get.responses['404'].content['application/did-resolution'].schema).toBeDefined();
    expect(statuses('/1.0/operations', 'post')).toEqual(expect.arrayContaining(['201', '400', '409', '502', '503']));
    expect(document.paths['/1.0/operations'].post.requestBody.content['application/json'].schema).toMatchObject({ required: expect.arrayContaining(['type', 'prev', 'home', 'sig']) });
    expect(statuses('/credentials/issue', 'post')).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '422']));
    for (const path of ['/1.0/update', '/1.0/deactivate']) expect(statuses(path, 'post')).toEqual(expect.arrayContaining(['200', '401', '403', '404', '409']));
    expect(statuses('/status-lists/{id}', 'get')).toEqual(expect.arrayContaining(['200', '304', '404']));
    expect(Object.keys(document.paths['/credentials/verify'].post.responses['400'].content)).toEqual(expect.arrayContaining(['application/json', 'application/problem+json']));
  });

  it('lists the explorer pages as text/html operations with their statuses', () => {
    const explorer = Object.entries(document.paths as Record<string, Record<string, any>>).filter(([path]) => path.startsWith('/explorer'));
    expect(explorer.map(([path]) => path).sort()).toEqual(
      ['/explorer', '/explorer/dids/{did}', '/explorer/logs/{region}/checkpoints/{size}', '/explorer/logs/{region}/entries/{index}', '/explorer/policy', '/explorer/search', '/explorer/status-lists', '/explorer/status-lists/{id}', '/explorer/trust'].sort(),
    );
    for (const [path, item] of explorer) {
      const { responses } = item.get;
      expect(Object.keys(responses['200']?.content ?? { 'text/html': 1 }), path).toEqual(['text/html']);
      for (const status of ['400', '404'].filter((s) => responses[s] && path.includes('{'))) {
        expect(Object.keys(responses[status].content).sort(), `${path} ${status}`).toEqual(['application/problem+json', 'text/html']);
      }
    }
    expect(Object.keys(document.paths['/explorer/search'].get.responses)).toEqual(expect.arrayContaining(['303', '400', '404']));
    expect(Object.keys(document.paths['/explorer/dids/{did}'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '414']));
  });

  it('describes the bearer tokens as the opaque tokens they are', () => {
    const schemes = Object.values(document.components.securitySchemes as Record<string, Record<string, unknown>>);
    expect(schemes.length).toBeGreaterThan(0);
    for (const scheme of schemes) expect(scheme.bearerFormat).toBeUndefined();
  });
});

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl, RequestLogController, RequestLogger } from './logger.js';

describe('redactUrl', () => {
  it('redacts the id of an OpenID4VCI offer (a capability), not the offers route', () => {
    expect(redactUrl('/oid4vci/offers/0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22/qr.png')).toBe('/oid4vci/offers/[redacted]/qr.png');
    expect(redactUrl('/oid4vci/offers/0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22?x=1')).toBe('/oid4vci/offers/[redacted]?x=1');
    expect(redactUrl('/oid4vci/offers')).toBe('/oid4vci/offers');
  });

  it('keeps paths and ordinary query parameters', () => {
    expect(redactUrl('/1.0/identifiers/did:isthmus:eu:abc')).toBe('/1.0/identifiers/did:isthmus:eu:abc');
    expect(redactUrl('/ledger/eu/entries?start=0&limit=100')).toBe('/ledger/eu/entries?start=0&limit=100');
    expect(redactUrl('/1.0/identifiers/x?versionTime=2026-01-01T00:00:00Z')).toBe('/1.0/identifiers/x?versionTime=2026-01-01T00:00:00Z');
  });

  it('redacts parameters named like a secret and values that look like a token', () => {
    expect(redactUrl('/x?access_token=abc&start=1')).toBe('/x?access_token=[redacted]&start=1');
    expect(redactUrl('/x?apiKey=1&Authorization=Bearer%20zz')).toBe('/x?apiKey=[redacted]&Authorization=[redacted]');
    expect(redactUrl('/x?q=eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln')).toBe('/x?q=[redacted]');
    expect(redactUrl(`/x?q=isk_short&r=${'a'.repeat(40)}`)).toBe('/x?q=[redacted]&r=[redacted]');
    expect(redactUrl(`/x?${'b'.repeat(40)}`)).toBe('/x?[redacted]');
    expect(redactUrl('/x?q=Bearer+secret')).toBe('/x?q=[redacted]');
  });
});

describe('RequestLogger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    return { lines, log: createLogger('info', 'eu', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }) };
  };

  it('logs through a child with the request id, made only when a line is written', () => {
    const { lines, log } = capture();
    let children = 0;
    const child = log.child.bind(log);
    log.child = ((...args: Parameters<typeof log.child>) => (children++, child(...args))) as typeof log.child;
    const requestLog = RequestLogger.factory(log, { requestId: 'r-1' }, {});
    requestLog.debug('not at info');
    expect(children).toBe(0);
    requestLog.warn({ peer: { token: 'secret-value' } }, 'something odd');
    expect(children).toBe(1);
    expect(lines).toMatchObject([{ level: 40, requestId: 'r-1', region: 'eu', msg: 'something odd', peer: { token: '[redacted]' } }]);
  });

  it('keeps the level a route gives its requests', () => {
    const { lines, log } = capture();
    const requestLog = RequestLogger.factory(log, { requestId: 'poll' }, { level: 'warn' });
    expect(requestLog.level).toBe('warn');
    requestLog.info('a replication poll');
    expect(lines).toEqual([]);
    requestLog.error('a failure');
    expect(lines).toMatchObject([{ level: 50, requestId: 'poll' }]);
  });
});

describe('RequestLogController', () => {
  const request = (log: Logger) => ({ id: 'trace-9', method: 'GET', url: '/x?access_token=abc', host: 'h', ip: '127.0.0.1', socket: { remotePort: 1 }, log }) as unknown as FastifyRequest;
  const reply = { statusCode: 404, elapsedTime: 1.5 } as unknown as FastifyReply;

  it('writes one line per finished request and reports each one', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', 'eu', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const completed: string[] = [];
    const controller = new RequestLogController(log, (req) => void completed.push(String(req.id)));
    const req = request(RequestLogger.factory(log, { requestId: 'trace-9' }, {}) as Logger);
    controller.incomingRequest();
    controller.requestCompleted(null, req, reply);
    expect(completed).toEqual(['trace-9']);
    expect(lines).toMatchObject([{ level: 30, requestId: 'trace-9', msg: 'request completed', req: { method: 'GET', url: '/x?access_token=[redacted]' }, res: { statusCode: 404 }, responseTime: 1.5 }]);
    controller.requestCompleted(new Error('socket hang up'), req, reply);
    expect(lines[1]).toMatchObject({ level: 50, msg: 'request errored', err: { message: 'socket hang up' } });
  });

  it('writes nothing below the route’s level, and still reports the request', () => {
    const lines: unknown[] = [];
    const log = createLogger('info', 'eu', { write: (line: string) => void lines.push(line) });
    let completed = 0;
    const controller = new RequestLogController(log, () => void completed++);
    controller.requestCompleted(null, request(RequestLogger.factory(log, { requestId: 'poll' }, { level: 'warn' }) as Logger), reply);
    expect(lines).toEqual([]);
    expect(completed).toBe(1);
  });
});

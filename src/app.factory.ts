import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { clientErrorHandler, frameworkErrors } from './common/framework-errors.js';
import { boundedJsonParser, formBodyParser } from './common/json-body.js';
import { createLogger, PinoNestLogger, RequestLogController, RequestLogger } from './common/logger.js';
import { completeOpenApi } from './common/openapi.js';
import { ProblemFilter } from './common/problem.filter.js';
import { createValidationPipe } from './common/validation.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import type { RegionConfig } from './config/config.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Our request ids: this process's random prefix (64 bits) and a counter, unique across replicas and restarts without a UUID per request. */
function requestIds(): () => string {
  const prefix = randomBytes(8).toString('hex');
  let count = 0;
  return () => `${prefix}-${(++count).toString(36)}`;
}
/** What the other regions poll every few seconds: logged per request only at debug level or finer. */
const REPLICATION_ROUTES = new Set(['/ledger/:region/checkpoint', '/ledger/:region/entries', '/ledger/:region/proof/consistency', '/ledger/:region/hint']);

/** Node's own server options for the timeouts Fastify does not set; checked every second, not every 30. */
function serverTimeouts(config: RegionConfig): { headersTimeout: number; connectionsCheckingInterval: number } {
  return { headersTimeout: config.http.headersTimeoutMs, connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs / 2) };
}

export interface RegionApp {
  readonly app: NestFastifyApplication;
  readonly log: Logger;
}

/** Builds one region's application, ready to `listen`; main.ts, local runs and tests share it. */
export async function createRegionApp(config: RegionConfig, log = createLogger(config.logLevel, config.regionId)): Promise<RegionApp> {
  // The metrics service comes from the app, which is made after the adapter that reports to it.
  const made: { metrics?: MetricsService } = {};
  const nextRequestId = requestIds();
  const adapter = new FastifyAdapter({
    loggerInstance: log,
    childLoggerFactory: RequestLogger.factory,
    // No Nest middleware anywhere: @fastify/middie would still run its onRequest hook on every request.
    skipMiddie: true,
    bodyLimit: config.bodyLimitBytes,
    // DIDs travel in paths, and a did:jwk is a whole JWK.
    routerOptions: { maxParamLength: 4096 },
    // A caller's own request id is kept when it is sane, so traces join across regions.
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
    },
    // One line per request, and the duration metric, when the response is finished.
    logController: new RequestLogController(log, (request, reply) => {
      made.metrics?.httpDuration.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    }),
    // What Fastify and Node refuse before Nest sees the request is problem+json too.
    frameworkErrors,
    clientErrorHandler,
    // Slow or silent clients are cut off (slowloris): Fastify's defaults never time a request out.
    connectionTimeout: config.http.idleTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    ...(config.tls
      ? { https: { ...serverTimeouts(config), cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }
      : { http: serverTimeouts(config) }),
  });
  if (config.logLevel === 'info') {
    adapter.getInstance().addHook('onRoute', (route) => {
      if (REPLICATION_ROUTES.has(route.url)) route.logLevel = 'warn';
    });
  }
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, log), adapter, {
    logger: new PinoNestLogger(log),
    abortOnError: false,
    // Our JSON parser below (depth-bounded); no form parser: the API speaks JSON only.
    bodyParser: false,
  });
  app.useGlobalFilters(new ProblemFilter(log));
  app.useGlobalPipes(createValidationPipe());
  made.metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, boundedJsonParser(fastify.getDefaultJsonParser('error', 'error')));
  // OAuth token endpoints (RFC 6749 §4.1.3) and OpenID4VP response endpoints (OpenID4VP 1.0 section 8.2) take form bodies; every other route stays JSON only.
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, formBodyParser);
  // Set when the request arrives, so every answer carries it, errors and 404s included (Fastify's error path keeps reply headers).
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // Shutting down: an answer still in flight closes its connection. Node closes the idle ones when
  // the server closes, but a keep-alive connection that becomes idle after that would hold the
  // close open until HTTP_KEEP_ALIVE_TIMEOUT_MS (72 s by default).
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  const document = completeOpenApi(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`Isthmus — region ${config.regionId}`)
      .setDescription(
        'DID registry ledger (did:isthmus), W3C Verifiable Credential issuance and verification. ' +
          'Every error is application/problem+json (RFC 9457).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  ));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, log };
}

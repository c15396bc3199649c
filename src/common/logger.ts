import type { LoggerService } from '@nestjs/common';
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

/** Query parameters whose name says secret: their values are never logged. */
const SECRET_PARAM = /token|key|secret|passw|auth|session|credential|signature|^sig$|jwt|code|assertion/i;
/** Values that look like a bearer token whatever their name: a JWS/JWT, an API key, a long opaque string. */
const TOKEN_VALUE = /^(bearer\s|basic\s|isk_)|^[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$|^[A-Za-z0-9._~+/=-]{24,}$/i;
const REDACTED = '[redacted]';
const OFFER_PATH = /^(\/oid4vci\/offers\/)[^/?]+/;

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * A request URL fit for the logs: the path as is, and in the query string the value of every
 * parameter named like a secret or looking like a token replaced, so a bearer token a client
 * put in the URL (`?access_token=…`) is not written down.
 */
export function redactUrl(path: string): string {
  // An OpenID4VCI offer's id is a capability: whoever has it fetches the pre-authorized code (docs/wallets.md).
  const url = path.replace(OFFER_PATH, `$1${REDACTED}`);
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0) return TOKEN_VALUE.test(decoded(name)) ? REDACTED : pair;
      return SECRET_PARAM.test(decoded(name)) || TOKEN_VALUE.test(decoded(pair.slice(eq + 1))) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Structured JSON logs. Authorization headers, anything named like a secret and tokens in
 * request query strings are redacted wherever they appear, so a careless log call cannot leak a token.
 */
export function createLogger(level: LogLevel, region: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { region },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.authorization',
        '*.apiKey',
        '*.adminToken',
        '*.privateKey',
        '*.secret',
        '*.token',
      ],
      censor: REDACTED,
    },
    serializers: {
      // Fastify's request fields, with the query string redacted (replaces Fastify's own `req` serializer).
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Routes Nest's own messages (module init, route mapping) through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pinoLogger: Logger) {}
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, context?: unknown): void {
    this.pinoLogger[level]({ context: typeof context === 'string' ? context : undefined }, String(message));
  }
  log(message: unknown, context?: unknown): void {
    this.write('info', message, context);
  }
  error(message: unknown, _trace?: unknown, context?: unknown): void {
    this.write('error', message, context);
  }
  warn(message: unknown, context?: unknown): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: unknown): void {
    this.write('trace', message, context);
  }
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Fastify's per-request logger (`request.log`), made only when something logs through it.
 * Fastify builds a pino child for every request, and a child runs the redaction over its
 * bindings when it is made (~5% of a `GET /health/live`); most requests never log through
 * theirs (the one request line is written by RequestLogController), so this defers it.
 */
export class RequestLogger {
  private made?: Logger;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** Fastify's `childLoggerFactory` (the parent is the pino logger given to Fastify). */
  static factory(this: void, parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
    return new RequestLogger(parent as Logger, bindings, options);
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  isLevelEnabled(level: string): boolean {
    if (this.made) return this.made.isLevelEnabled(level);
    if (this.options.level === undefined) return this.parent.isLevelEnabled(level);
    const values = this.parent.levels.values;
    return (values[level] ?? 0) >= (values[this.options.level] ?? Infinity);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
    return this.logger().child(bindings, options);
  }

  private write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    const logger = this.logger();
    (logger[level] as (...a: unknown[]) => void).apply(logger, args);
  }

  private logger(): Logger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }
}

/**
 * One log line per request, written when the response is finished (Fastify's own pair of
 * "incoming request" and "request completed" lines said the same twice): the request id, the
 * request as the `req` serializer shows it, the status and the time taken, at info level
 * (error when the response failed), and only where the route's log level allows it. Fastify
 * calls `requestCompleted` once for every response, so `completed` (the duration metric) rides
 * on it instead of costing an onResponse hook of its own.
 */
export class RequestLogController extends LogController {
  constructor(
    private readonly log: Logger,
    private readonly completed: (request: FastifyRequest, reply: FastifyReply) => void,
  ) {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {
    // written once, on completion
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    this.completed(request, reply);
    const level = error ? 'error' : 'info';
    if (!(request.log as Logger).isLevelEnabled(level)) return;
    const line = { requestId: request.id, req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) this.log.error({ ...line, err: error }, 'request errored');
    else this.log.info(line, 'request completed');
  }
}

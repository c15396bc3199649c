import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
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

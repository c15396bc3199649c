import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The environment of one region, parsed and validated once at boot (the table in docs/operations.md).
 * A missing or malformed value stops the process with one line naming the variable.
 */
export interface RegionConfig {
  readonly regionId: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** `postgres://…`; absent means embedded SQLite under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly adminToken: string;
  /** 32 bytes, hex: encrypts private keys at rest. */
  readonly keyEncryptionSecret: string;
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  /** How often each peer log is pulled when no hint arrives. */
  readonly replicationIntervalMs: number;
  /** How long a call to another region may take. */
  readonly peerTimeoutMs: number;
  /** How long a signed status list version stays valid (validUntil / exp); lists are re-signed at half of it. */
  readonly statusListValiditySeconds: number;
  /** How long a relying party may cache a status list (ttl, Cache-Control max-age). */
  readonly statusListTtlSeconds: number;
  /** How long an OpenID4VCI credential offer (and then its access token) stays valid. */
  readonly offerTtlSeconds: number;
  /** Server timeouts: slow or silent clients are cut off (slowloris). */
  readonly http: HttpTimeouts;
  /** Webhooks may call loopback and private addresses (off by default: a tenant must not probe the region's network). */
  readonly webhookAllowPrivateNetworks: boolean;
}

export interface HttpTimeouts {
  /** Time to receive a request's headers. */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  readonly keepAliveTimeoutMs: number;
  /** A connection with no traffic at all for this long is closed (also one that never sends a request). */
  readonly idleTimeoutMs: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const milliseconds = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const schema = z.object({
  REGION_ID: z
    .string({ error: 'is required (a region id such as "eu")' })
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a region id: a lowercase letter, then up to 31 of a-z, 0-9, "-"'),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  PORT: port.default(3000),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL (leave it unset for embedded SQLite)')
    .optional(),
  ADMIN_TOKEN: z
    .string({ error: 'is required (the region admin bearer token, at least 32 characters)' })
    .min(32, 'must be at least 32 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  KEY_ENCRYPTION_SECRET: z
    .string({ error: 'is required (64 hex characters: 32 random bytes)' })
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 random bytes)'),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number({ error: 'must be a number of bytes' })
    .int('must be a whole number of bytes')
    .min(1024, 'must be at least 1024')
    .max(64 * 1024 * 1024, 'must be at most 67108864')
    .default(1024 * 1024),
  REPLICATION_INTERVAL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(50, 'must be at least 50')
    .max(3_600_000, 'must be at most 3600000')
    .default(2000),
  PEER_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(100, 'must be at least 100')
    .max(120_000, 'must be at most 120000')
    .default(5000),
  STATUS_LIST_VALIDITY_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60')
    .max(31_536_000, 'must be at most 31536000 (a year)')
    .default(7 * 86_400),
  STATUS_LIST_TTL_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must not be negative')
    .max(86_400, 'must be at most 86400 (a day)')
    .default(300),
  OID4VCI_OFFER_TTL_SECONDS: z.coerce
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1')
    .max(86_400, 'must be at most 86400 (a day)')
    .default(600),
  HTTP_HEADERS_TIMEOUT_MS: milliseconds(1000, 600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: milliseconds(1000, 3_600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds(1000, 600_000).default(72_000),
  HTTP_IDLE_TIMEOUT_MS: milliseconds(1000, 3_600_000).default(60_000),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
});

/** Treats empty strings as unset, as shells and compose files often pass them. */
function present(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv): RegionConfig {
  const parsed = schema.safeParse(present(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const v = parsed.data;
  if ((v.TLS_CERT_FILE === undefined) !== (v.TLS_KEY_FILE === undefined)) {
    const missing = v.TLS_CERT_FILE === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE';
    throw new ConfigError(missing, 'is required when the other TLS_* file is set');
  }
  if (v.HTTP_HEADERS_TIMEOUT_MS > v.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS', 'must not be more than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  const dataDir = isAbsolute(v.DATA_DIR) ? v.DATA_DIR : resolve(v.DATA_DIR);
  return {
    regionId: v.REGION_ID,
    host: v.HOST,
    port: v.PORT,
    dataDir,
    databaseUrl: v.DATABASE_URL,
    adminToken: v.ADMIN_TOKEN,
    keyEncryptionSecret: v.KEY_ENCRYPTION_SECRET.toLowerCase(),
    tls: v.TLS_CERT_FILE && v.TLS_KEY_FILE ? { certFile: v.TLS_CERT_FILE, keyFile: v.TLS_KEY_FILE } : undefined,
    logLevel: v.LOG_LEVEL,
    bodyLimitBytes: v.BODY_LIMIT_BYTES,
    replicationIntervalMs: v.REPLICATION_INTERVAL_MS,
    peerTimeoutMs: v.PEER_TIMEOUT_MS,
    statusListValiditySeconds: v.STATUS_LIST_VALIDITY_SECONDS,
    statusListTtlSeconds: v.STATUS_LIST_TTL_SECONDS,
    offerTtlSeconds: v.OID4VCI_OFFER_TTL_SECONDS,
    http: {
      headersTimeoutMs: v.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: v.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: v.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: v.HTTP_IDLE_TIMEOUT_MS,
    },
    webhookAllowPrivateNetworks: v.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true',
  };
}

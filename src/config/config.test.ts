import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const valid = {
  REGION_ID: 'eu',
  PORT: '3001',
  DATA_DIR: '/tmp/isthmus-config-test',
  ADMIN_TOKEN: 'a'.repeat(32),
  KEY_ENCRYPTION_SECRET: 'ab'.repeat(32),
};

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses a complete environment with defaults for the rest', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      regionId: 'eu',
      port: 3001,
      host: '127.0.0.1',
      dataDir: '/tmp/isthmus-config-test',
      databaseUrl: undefined,
      tls: undefined,
      logLevel: 'info',
      bodyLimitBytes: 1048576,
      http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, idleTimeoutMs: 60_000 },
    });
  });

  it.each([
    ['REGION_ID', { REGION_ID: undefined }, /REGION_ID is required/],
    ['REGION_ID', { REGION_ID: 'EU!' }, /REGION_ID must be a region id/],
    ['PORT', { PORT: 'http' }, /PORT must be/],
    ['PORT', { PORT: '70000' }, /PORT must be between 1 and 65535/],
    ['ADMIN_TOKEN', { ADMIN_TOKEN: undefined }, /ADMIN_TOKEN is required/],
    ['ADMIN_TOKEN', { ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 32 characters/],
    ['KEY_ENCRYPTION_SECRET', { KEY_ENCRYPTION_SECRET: 'xyz' }, /KEY_ENCRYPTION_SECRET must be 64 hex characters/],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ URL/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    ['TLS_KEY_FILE', { TLS_CERT_FILE: '/tmp/cert.pem' }, /TLS_KEY_FILE is required when/],
    ['HTTP_REQUEST_TIMEOUT_MS', { HTTP_REQUEST_TIMEOUT_MS: '0' }, /HTTP_REQUEST_TIMEOUT_MS must be at least 1000/],
    ['HTTP_HEADERS_TIMEOUT_MS', { HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' }, /HTTP_HEADERS_TIMEOUT_MS must not be more than HTTP_REQUEST_TIMEOUT_MS/],
  ])('names %s when it is wrong', (variable, change, message) => {
    const error = errorOf({ ...valid, ...change });
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ ...valid, DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    expect(errorOf({ ...valid, ADMIN_TOKEN: '' }).variable).toBe('ADMIN_TOKEN');
  });

  it('never echoes a secret value in its message', () => {
    const error = errorOf({ ...valid, ADMIN_TOKEN: 'secret-but-too-short' });
    expect(error.message).not.toContain('secret-but-too-short');
  });
});

import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config.js';

/** One region, configured by the environment (docs/operations.md, Environment). */
async function main(): Promise<void> {
  let config;
  let started;
  try {
    config = loadConfig(process.env);
    // The application (Nest, TypeORM, every module) is loaded only once the configuration holds:
    // a missing or wrong variable is reported at once, not after seconds of imports.
    const { createRegionApp } = await import('./app.factory.js');
    // Also a ConfigError: a database of another region or genesis, a KEY_ENCRYPTION_SECRET that does not open it.
    started = await createRegionApp(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`isthmus: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const { app, log } = started;
  await app.listen({ port: config.port, host: config.host });
  log.info({ url: await app.getUrl() }, `region ${config.regionId} listening`);
  // Finish in-flight requests and close the database, then exit 0 (Nest's own hooks re-raise the signal).
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`isthmus: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

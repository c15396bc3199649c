import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source.js';

/**
 * For the TypeORM CLI (`npm run migration:generate -- migrations/Name`): the app's own
 * entities and migrations, against DATABASE_URL or ./data/cli/isthmus.sqlite.
 */
export default new DataSource({
  ...dataSourceOptions({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR ?? './data/cli' }),
  migrationsRun: false,
});

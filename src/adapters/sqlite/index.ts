export {
  type SqliteMigration,
  type SqliteMigrationResult,
  sqliteMigrations,
} from './sqlite-migrations.js';
export { SqliteRepository, type SqliteRepositoryOptions } from './sqlite-repository.js';

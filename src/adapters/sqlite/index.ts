export {
  type SqliteMigration,
  type SqliteMigrationResult,
  sqliteMigrations,
} from './sqlite-migrations.js';
export {
  SqliteRepository,
  type SqliteRepositoryOptions,
  type SqliteTransaction,
} from './sqlite-repository.js';

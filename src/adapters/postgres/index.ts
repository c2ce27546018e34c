export type { MigrationResult, PostgresMigration } from './postgres-migrations.js';
export { postgresMigrations } from './postgres-migrations.js';
export {
  PostgresRepository,
  type PostgresRepositoryOptions,
  type PostgresTransaction,
} from './postgres-repository.js';

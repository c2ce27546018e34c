import pg from 'pg';
import { afterAll } from 'vitest';
import { PostgresRepository } from '../src/adapters/postgres/index.js';
import { runRepositoryConformance } from '../src/testing/index.js';
import { databaseUrl, dropSchema, uniqueSchema } from './support/postgres.js';

const schema = uniqueSchema('conformance');
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
await new PostgresRepository({ pool, schema }).migrate();

afterAll(async () => {
  await pool.end();
  await dropSchema(schema);
});

await runRepositoryConformance({
  name: 'PostgresRepository',
  async makeRepository() {
    await pool.query(`TRUNCATE "${schema}".webhooks, "${schema}".calls, "${schema}".attempts`);
    return new PostgresRepository({ pool, schema });
  },
  // Another instance with its own pool, as another process would have.
  openSibling: () => new PostgresRepository({ connectionString: databaseUrl, schema, poolSize: 2 }),
  cleanup: (repository) => repository.close(),
});

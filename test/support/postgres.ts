import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test database; CI and the default local setup use PostgreSQL on 127.0.0.1 with trust auth. */
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test file or run uses, so files can run in parallel. */
export function uniqueSchema(purpose: string): string {
  return `hookline_${purpose}_${randomBytes(4).toString('hex')}`;
}

/** Drops a test's schema with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

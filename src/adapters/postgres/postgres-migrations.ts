import type { Pool } from 'pg';
import { HooklineStateError } from '../../errors.js';

/** One step of the schema. Steps are never edited once released: a change is a new step. */
export interface PostgresMigration {
  version: number;
  name: string;
  /** The SQL, given the quoted schema name. */
  sql(schema: string): string;
}

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'webhooks, calls and attempts',
    sql: (s) => `
      CREATE TABLE ${s}.webhooks (
        id text COLLATE "C" PRIMARY KEY,
        name text NOT NULL,
        url text NOT NULL,
        events json NOT NULL,
        headers json NOT NULL,
        http_basic_user text,
        http_basic_password text,
        secret text,
        custom_payload text,
        enabled boolean NOT NULL,
        auto_retry boolean NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        disabled_reason text,
        failing_since timestamptz,
        CONSTRAINT webhooks_name_key UNIQUE (name)
      );

      CREATE TABLE ${s}.calls (
        id text COLLATE "C" PRIMARY KEY,
        webhook_id text COLLATE "C" NOT NULL REFERENCES ${s}.webhooks (id) ON DELETE CASCADE,
        entity_type text NOT NULL,
        event_type text NOT NULL,
        event json NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'success', 'failed', 'rescheduled')),
        created_at timestamptz NOT NULL,
        last_sent_at timestamptz,
        next_retry_at timestamptz,
        attempted_auto_retries_count integer NOT NULL,
        attempts_count integer NOT NULL,
        request_url text,
        request_headers json,
        request_payload text,
        response_status integer,
        response_headers json,
        response_payload text,
        error_code text,
        error_message text,
        duration_ms double precision,
        lease_token text,
        lease_expires_at timestamptz,
        -- When a waiting call may be sent; null once it is settled.
        due_at timestamptz GENERATED ALWAYS AS (
          CASE status
            WHEN 'pending' THEN created_at
            WHEN 'rescheduled' THEN coalesce(next_retry_at, created_at)
          END
        ) STORED
      );
      -- Claiming and nextDueAt: each webhook's waiting calls, earliest due first. (No index on the
      -- due time alone: the planner would walk it past one webhook's backlog to find another's.)
      CREATE INDEX calls_waiting_by_webhook ON ${s}.calls (webhook_id, due_at, id)
        WHERE status IN ('pending', 'rescheduled');
      -- nextDueAt: the few calls under a lease (in flight, or left by a crashed process).
      CREATE INDEX calls_leased ON ${s}.calls (lease_expires_at)
        WHERE lease_token IS NOT NULL;
      -- The call log: newest first, overall and per webhook (this one also serves the cascade).
      CREATE INDEX calls_by_created ON ${s}.calls (created_at, id);
      CREATE INDEX calls_by_webhook_created ON ${s}.calls (webhook_id, created_at, id);

      CREATE TABLE ${s}.attempts (
        id text COLLATE "C" PRIMARY KEY,
        call_id text COLLATE "C" NOT NULL REFERENCES ${s}.calls (id) ON DELETE CASCADE,
        -- Insertion order, which is the order attempts are listed in.
        position bigint GENERATED ALWAYS AS IDENTITY,
        "trigger" text NOT NULL CHECK ("trigger" IN ('dispatch', 'auto_retry', 'resend')),
        started_at timestamptz NOT NULL,
        request_url text,
        request_headers json,
        request_payload text,
        response_status integer,
        response_headers json,
        response_payload text,
        error_code text,
        error_message text,
        duration_ms double precision
      );
      CREATE INDEX attempts_by_call ON ${s}.attempts (call_id, position);
    `,
  },
];

/** The newest schema version this build knows. */
export const latestPostgresVersion = Math.max(...postgresMigrations.map((m) => m.version));

export interface MigrationResult {
  /** Versions applied by this call, oldest first; empty when the schema was up to date. */
  applied: number[];
  /** The schema's version now. */
  version: number;
}

/**
 * Brings the schema up to date. Runs in one transaction under an advisory lock keyed on the
 * schema, so processes that start together apply each step once and never see half of one.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<MigrationResult> {
  const s = quoteIdentifier(schema);
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `hookline.migrate.${schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.migrations`);
    const done = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...done);
    if (newest > latestPostgresVersion) {
      throw new HooklineStateError(
        `Schema "${schema}" is at version ${newest}, newer than this hookline knows (${latestPostgresVersion}); upgrade hookline`,
      );
    }
    const applied: number[] = [];
    for (const migration of postgresMigrations) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(newest, ...applied) };
  } catch (error) {
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(failed);
  }
}

/** A Postgres identifier in double quotes; the schema name was checked to need no escaping. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

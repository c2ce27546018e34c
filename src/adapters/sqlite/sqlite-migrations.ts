import type { Database } from 'better-sqlite3';
import { HooklineStateError } from '../../errors.js';

/** One step of the schema. Steps are never edited once released: a change is a new step. */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

/** Tables carry a `hookline_` prefix: the file may be the host's own database. */
export const sqliteMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'webhooks, calls and attempts',
    sql: `
      CREATE TABLE hookline_webhooks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        headers TEXT NOT NULL,
        http_basic_user TEXT,
        http_basic_password TEXT,
        secret TEXT,
        custom_payload TEXT,
        enabled INTEGER NOT NULL,
        auto_retry INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        previous_secret TEXT,
        previous_secret_expires_at INTEGER,
        disabled_reason TEXT,
        failing_since INTEGER
      ) STRICT;

      CREATE TABLE hookline_calls (
        id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL REFERENCES hookline_webhooks (id) ON DELETE CASCADE,
        entity_type TEXT NOT NULL,
        event_type TEXT NOT NULL,
        event TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'success', 'failed', 'rescheduled')),
        created_at INTEGER NOT NULL,
        last_sent_at INTEGER,
        next_retry_at INTEGER,
        attempted_auto_retries_count INTEGER NOT NULL,
        attempts_count INTEGER NOT NULL,
        request_url TEXT,
        request_headers TEXT,
        request_payload TEXT,
        response_status INTEGER,
        response_headers TEXT,
        response_payload TEXT,
        error_code TEXT,
        error_message TEXT,
        duration_ms REAL,
        lease_token TEXT,
        lease_expires_at INTEGER,
        -- When a waiting call may be sent; null once it is settled.
        due_at INTEGER GENERATED ALWAYS AS (
          CASE status
            WHEN 'pending' THEN created_at
            WHEN 'rescheduled' THEN coalesce(next_retry_at, created_at)
          END
        ) VIRTUAL
      ) STRICT;
      -- Claiming: each webhook's waiting calls, earliest due first.
      CREATE INDEX hookline_calls_waiting_by_webhook ON hookline_calls (webhook_id, due_at, id)
        WHERE status IN ('pending', 'rescheduled');
      -- nextDueAt: the earliest waiting call overall, and the few calls under a lease.
      CREATE INDEX hookline_calls_waiting_by_due ON hookline_calls (due_at)
        WHERE status IN ('pending', 'rescheduled');
      CREATE INDEX hookline_calls_leased ON hookline_calls (lease_expires_at)
        WHERE lease_token IS NOT NULL;
      -- The call log: newest first, overall and per webhook (this one also serves the cascade).
      CREATE INDEX hookline_calls_by_created ON hookline_calls (created_at, id);
      CREATE INDEX hookline_calls_by_webhook_created ON hookline_calls (webhook_id, created_at, id);

      CREATE TABLE hookline_attempts (
        -- Insertion order, which is the order attempts are listed in.
        position INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        call_id TEXT NOT NULL REFERENCES hookline_calls (id) ON DELETE CASCADE,
        "trigger" TEXT NOT NULL CHECK ("trigger" IN ('dispatch', 'auto_retry', 'resend')),
        started_at INTEGER NOT NULL,
        request_url TEXT,
        request_headers TEXT,
        request_payload TEXT,
        response_status INTEGER,
        response_headers TEXT,
        response_payload TEXT,
        error_code TEXT,
        error_message TEXT,
        duration_ms REAL
      ) STRICT;
      CREATE INDEX hookline_attempts_by_call ON hookline_attempts (call_id, position);

      -- Bumped on every webhook change, so other processes know to reload their webhooks.
      CREATE TABLE hookline_changes (kind TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT;
      INSERT INTO hookline_changes (kind, version) VALUES ('webhooks', 0);
    `,
  },
];

/** The newest schema version this build knows. */
export const latestSqliteVersion = Math.max(...sqliteMigrations.map((m) => m.version));

export interface SqliteMigrationResult {
  /** Versions applied by this call, oldest first; empty when the schema was up to date. */
  applied: number[];
  /** The schema's version now. */
  version: number;
}

/**
 * Brings the schema up to date in one `BEGIN IMMEDIATE` transaction, which holds other writers
 * off, so processes that start together apply each step once.
 */
export function migrateSqlite(db: Database): SqliteMigrationResult {
  const run = db.transaction((): SqliteMigrationResult => {
    db.exec(`CREATE TABLE IF NOT EXISTS hookline_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT`);
    const done = new Set(
      db
        .prepare('SELECT version FROM hookline_migrations')
        .pluck()
        .all()
        .map((version) => Number(version)),
    );
    const newest = Math.max(0, ...done);
    if (newest > latestSqliteVersion) {
      throw new HooklineStateError(
        `The database is at hookline schema version ${newest}, newer than this hookline knows (${latestSqliteVersion}); upgrade hookline`,
      );
    }
    const record = db.prepare(
      'INSERT INTO hookline_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const applied: number[] = [];
    for (const migration of sqliteMigrations) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      applied.push(migration.version);
    }
    return { applied, version: Math.max(newest, ...applied) };
  });
  return run.immediate();
}

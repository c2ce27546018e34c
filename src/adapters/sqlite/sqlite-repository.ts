import Sqlite, { type Database, type Statement } from 'better-sqlite3';
import { duplicateWebhookNameError, HooklineValidationError } from '../../errors.js';
import type {
  ClaimOptions,
  CompleteAttemptInput,
  InsertCallsContext,
  Repository,
  RepositoryChange,
  UpdateWebhookOptions,
} from '../../repository/repository.js';
import { sameValue } from '../../repository/same-value.js';
import type { CallQuery } from '../../schemas/call-query.js';
import type { Attempt, Webhook, WebhookCall } from '../../types.js';
import { callOrderSql, callWhereSql, type SqlDialect } from '../shared/call-query-sql.js';
import {
  attemptColumns,
  attemptValues,
  callColumns,
  callUpdateColumns,
  callUpdateValues,
  callValues,
  decodeAttempt,
  decodeCall,
  decodeWebhook,
  type Row,
  type ValueCodec,
  type ValueEncoder,
  webhookColumns,
  webhookValues,
} from '../shared/row-codec.js';
import { migrateSqlite, type SqliteMigrationResult } from './sqlite-migrations.js';

export interface SqliteRepositoryOptions {
  /** The database file; it is created if missing. Several processes may open the same file. */
  filename: string;
  /** How long a statement waits for another connection's write lock. Default: 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * How often listeners check whether another process changed the file, so idle workers wake and
   * webhook caches refresh (a cheap `PRAGMA data_version`; changes made by this repository are told
   * at once). Default: 250 ms.
   */
  changeCheckMs?: number;
}

const codec: ValueCodec = {
  date: (value) => new Date(Number(value)),
  json: (value) => JSON.parse(String(value)),
};
const encoder: ValueEncoder = {
  date: (value) => value.getTime(),
  boolean: (value) => (value ? 1 : 0),
};

const columnList = (columns: readonly string[]) =>
  columns.map((column) => `"${column}"`).join(', ');
const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

const callList = columnList(callColumns);
const webhookList = columnList(webhookColumns);

/** Statement texts; each is prepared on first use, once the tables exist. */
const sql = {
  insertWebhook: `INSERT INTO hookline_webhooks (${webhookList}) VALUES (${placeholders(webhookColumns.length)})`,
  updateWebhook: `UPDATE hookline_webhooks SET ${webhookColumns
    .slice(1)
    .map((column) => `"${column}" = ?`)
    .join(', ')} WHERE id = ?`,
  deleteWebhook: 'DELETE FROM hookline_webhooks WHERE id = ?',
  bumpWebhooks: "UPDATE hookline_changes SET version = version + 1 WHERE kind = 'webhooks'",
  webhooksVersion: "SELECT version FROM hookline_changes WHERE kind = 'webhooks'",
  getWebhook: `SELECT ${webhookList} FROM hookline_webhooks WHERE id = ?`,
  listWebhooks: `SELECT ${webhookList} FROM hookline_webhooks ORDER BY created_at, id`,
  webhookIds: 'SELECT id FROM hookline_webhooks',
  webhookExists: 'SELECT 1 FROM hookline_webhooks WHERE id = ?',
  insertCall: `INSERT INTO hookline_calls (${callList}) VALUES (${placeholders(callColumns.length)})`,
  getCall: `SELECT ${callList} FROM hookline_calls WHERE id = ?`,
  dueOfWebhook: `
    SELECT id, due_at FROM hookline_calls
    WHERE webhook_id = ? AND status IN ('pending', 'rescheduled') AND due_at <= ?
      AND (lease_token IS NULL OR lease_expires_at <= ?)
    ORDER BY due_at, id LIMIT ?`,
  lease: `UPDATE hookline_calls SET lease_token = ?, lease_expires_at = ? WHERE id = ? RETURNING ${callList}`,
  claimCall: `
    UPDATE hookline_calls SET lease_token = ?, lease_expires_at = ?
    WHERE id = ? AND (lease_token IS NULL OR lease_expires_at <= ?)
    RETURNING ${callList}`,
  callExists: 'SELECT 1 FROM hookline_calls WHERE id = ?',
  insertAttempt: `INSERT INTO hookline_attempts (${columnList(attemptColumns)}) VALUES (${placeholders(attemptColumns.length)})`,
  completeCall: `
    UPDATE hookline_calls SET ${callUpdateColumns.map((column) => `${column} = ?`).join(', ')},
      lease_token = NULL, lease_expires_at = NULL
    WHERE id = ? AND lease_token = ?
    RETURNING ${callList}`,
  listAttempts: `SELECT ${columnList(attemptColumns)} FROM hookline_attempts WHERE call_id = ? ORDER BY position`,
  nextUnleased: `
    SELECT due_at FROM hookline_calls
    WHERE status IN ('pending', 'rescheduled') AND lease_token IS NULL
    ORDER BY due_at LIMIT 1`,
  nextLeased: `
    SELECT min(max(due_at, lease_expires_at)) FROM hookline_calls
    WHERE lease_token IS NOT NULL AND status IN ('pending', 'rescheduled')`,
  pruneCalls: `
    DELETE FROM hookline_calls
    WHERE status IN ('success', 'failed') AND created_at < ?
      AND (lease_token IS NULL OR lease_expires_at <= ?)`,
} as const;

type StatementName = keyof typeof sql;

interface DueRow {
  id: string;
  due_at: number;
}

/**
 * Keeps webhooks, calls and attempts in a SQLite file (WAL mode), so calls survive restarts; several
 * processes on one machine may share the file. Claims run in `BEGIN IMMEDIATE` transactions, which
 * SQLite serialises, so a leased call is never handed to two claimers. Run `migrate()` once before
 * use (it is safe to run from every process at start-up).
 */
export class SqliteRepository implements Repository {
  readonly #db: Database;
  readonly #statements = new Map<StatementName, Statement>();
  readonly #listeners = new Set<(change: RepositoryChange) => void>();
  readonly #changeCheckMs: number;
  #changeTimer: NodeJS.Timeout | null = null;
  #dataVersion = 0;
  #webhooksVersion = 0;

  constructor(options: SqliteRepositoryOptions) {
    if (typeof options?.filename !== 'string' || options.filename === '') {
      throw new HooklineValidationError('SqliteRepository options', [
        { path: 'filename', message: 'must be the path of the database file' },
      ]);
    }
    this.#changeCheckMs = options.changeCheckMs ?? 250;
    this.#db = new Sqlite(options.filename, { timeout: options.busyTimeoutMs ?? 5_000 });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
  }

  /** Creates or updates hookline's tables; idempotent and safe when processes run it at once. */
  async migrate(): Promise<SqliteMigrationResult> {
    return migrateSqlite(this.#db);
  }

  /** Stops watching for changes and closes the connection. */
  async close(): Promise<void> {
    this.#stopWatching();
    this.#listeners.clear();
    if (this.#db.open) this.#db.close();
  }

  async insertWebhook(webhook: Webhook): Promise<void> {
    this.#writeWebhook(
      () => this.#get('insertWebhook').run(...webhookValues(webhook, encoder)),
      webhook,
    );
  }

  /** With `expected`, the row is read and compared inside the write transaction, so no edit slips in between. */
  async updateWebhook(webhook: Webhook, options?: UpdateWebhookOptions): Promise<boolean> {
    const [id, ...rest] = webhookValues(webhook, encoder);
    const expected = options?.expected;
    return this.#writeWebhook(() => {
      if (expected && !this.#storedEquals(webhook.id, expected)) return { changes: 0 };
      return this.#get('updateWebhook').run(...rest, id);
    }, webhook);
  }

  async deleteWebhook(id: string): Promise<boolean> {
    const deleted = this.#db
      .transaction(() => {
        const changes = this.#get('deleteWebhook').run(id).changes;
        if (changes > 0) this.#get('bumpWebhooks').run();
        return changes > 0;
      })
      .immediate();
    if (deleted) this.#notify({ kind: 'webhooks' });
    return deleted;
  }

  async getWebhook(id: string): Promise<Webhook | null> {
    const row = this.#get('getWebhook').get(id) as Row | undefined;
    return row ? decodeWebhook(row, codec) : null;
  }

  async listWebhooks(): Promise<Webhook[]> {
    return (this.#get('listWebhooks').all() as Row[]).map((row) => decodeWebhook(row, codec));
  }

  /**
   * Refuses `context.transaction`: better-sqlite3 is synchronous, so a host transaction left open
   * across `await dispatch()` would block this process's other connection (and its worker) until
   * the busy timeout. Dispatch after the host's commit instead.
   */
  async insertCalls(calls: readonly WebhookCall[], context?: InsertCallsContext): Promise<void> {
    if (context?.transaction !== undefined) {
      throw new HooklineValidationError('dispatch options', [
        {
          path: 'transaction',
          message:
            'SqliteRepository cannot write inside the host transaction; dispatch after it commits',
        },
      ]);
    }
    if (calls.length === 0) return;
    const insert = this.#get('insertCall');
    const webhookExists = this.#get('webhookExists');
    // A call whose webhook another connection deleted is skipped, as if dispatched just before the
    // delete. The check cannot race the delete: `BEGIN IMMEDIATE` holds the write lock throughout.
    const inserted = this.#db
      .transaction(() => {
        let count = 0;
        for (const call of calls) {
          if (!webhookExists.get(call.webhookId)) continue;
          insert.run(...callValues(call, encoder));
          count += 1;
        }
        return count;
      })
      .immediate();
    if (inserted > 0) this.#notify({ kind: 'calls' });
  }

  async getCall(id: string): Promise<WebhookCall | null> {
    const row = this.#get('getCall').get(id) as Row | undefined;
    return row ? decodeCall(row, codec) : null;
  }

  async listCalls(query: CallQuery): Promise<{ calls: WebhookCall[]; total: number }> {
    const values: unknown[] = [];
    const dialect: SqlDialect = {
      bind(value) {
        values.push(value);
        return '?';
      },
      oneOf(column, list) {
        return `${column} IN (SELECT value FROM json_each(${this.bind(JSON.stringify(list))}))`;
      },
      date: (value) => value.getTime(),
    };
    const where = callWhereSql(query, dialect);
    const total = this.#db
      .prepare(`SELECT count(*) FROM hookline_calls ${where}`)
      .pluck()
      .get(...values) as number;
    const rows = this.#db
      .prepare(
        `SELECT ${callList} FROM hookline_calls ${where} ${callOrderSql(query)} LIMIT ? OFFSET ?`,
      )
      .all(...values, query.limit, query.offset) as Row[];
    return { calls: rows.map((row) => decodeCall(row, codec)), total };
  }

  async claimDueCalls(options: ClaimOptions): Promise<WebhookCall[]> {
    if (options.limit < 1) return [];
    const now = options.now.getTime();
    const expires = now + options.leaseMs;
    const claim = this.#db.transaction((): Row[] => {
      // Each webhook's earliest due calls, up to its room, then the earliest of those overall.
      const candidates: DueRow[] = [];
      const dueOfWebhook = this.#get('dueOfWebhook');
      for (const webhookId of this.#get('webhookIds').pluck().all() as string[]) {
        const room = options.perWebhookLimit - (options.heldByWebhook.get(webhookId) ?? 0);
        if (room <= 0) continue;
        const limit = Math.min(room, options.limit);
        candidates.push(...(dueOfWebhook.all(webhookId, now, now, limit) as DueRow[]));
      }
      candidates.sort((a, b) => a.due_at - b.due_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const lease = this.#get('lease');
      return candidates
        .slice(0, options.limit)
        .map((candidate) => lease.get(options.leaseToken, expires, candidate.id) as Row);
    });
    return claim.immediate().map((row) => decodeCall(row, codec));
  }

  async claimCall(
    id: string,
    options: Pick<ClaimOptions, 'now' | 'leaseToken' | 'leaseMs'>,
  ): Promise<WebhookCall | null> {
    const now = options.now.getTime();
    const row = this.#get('claimCall').get(options.leaseToken, now + options.leaseMs, id, now) as
      | Row
      | undefined;
    return row ? decodeCall(row, codec) : null;
  }

  async completeAttempt(input: CompleteAttemptInput): Promise<WebhookCall | null> {
    const complete = this.#db.transaction((): Row | undefined => {
      if (!this.#get('callExists').get(input.callId)) return undefined;
      if (input.attempt) this.#get('insertAttempt').run(...attemptValues(input.attempt, encoder));
      return this.#get('completeCall').get(
        ...callUpdateValues(input.update, encoder),
        input.callId,
        input.leaseToken,
      ) as Row | undefined;
    });
    const row = complete.immediate();
    if (!row) return null;
    const call = decodeCall(row, codec);
    if (call.status === 'pending' || call.status === 'rescheduled') {
      this.#notify({ kind: 'calls' });
    }
    return call;
  }

  async listAttempts(callId: string): Promise<Attempt[]> {
    return (this.#get('listAttempts').all(callId) as Row[]).map((row) => decodeAttempt(row, codec));
  }

  async nextDueAt(): Promise<Date | null> {
    const read = this.#db.transaction(() => [
      this.#get('nextUnleased').pluck().get() as number | null | undefined,
      this.#get('nextLeased').pluck().get() as number | null | undefined,
    ]);
    const times = read().filter((time): time is number => typeof time === 'number');
    return times.length === 0 ? null : new Date(Math.min(...times));
  }

  async pruneCalls(options: { olderThan: Date }): Promise<number> {
    return this.#get('pruneCalls').run(options.olderThan.getTime(), Date.now()).changes;
  }

  subscribe(listener: (change: RepositoryChange) => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#startWatching();
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#stopWatching();
    };
  }

  #get(name: StatementName): Statement {
    let statement = this.#statements.get(name);
    if (!statement) {
      statement = this.#db.prepare(sql[name]);
      this.#statements.set(name, statement);
    }
    return statement;
  }

  #storedEquals(id: string, expected: Webhook): boolean {
    const row = this.#get('getWebhook').get(id) as Row | undefined;
    return row !== undefined && sameValue(decodeWebhook(row, codec), expected);
  }

  #writeWebhook(write: () => { changes: number }, webhook: Webhook): boolean {
    let changed: boolean;
    try {
      changed = this.#db
        .transaction(() => {
          const changes = write().changes;
          if (changes > 0) this.#get('bumpWebhooks').run();
          return changes > 0;
        })
        .immediate();
    } catch (error) {
      const details = error as { code?: unknown; message?: unknown };
      if (
        details?.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
        String(details.message).includes('hookline_webhooks.name')
      ) {
        throw duplicateWebhookNameError(webhook.name);
      }
      throw error;
    }
    if (changed) this.#notify({ kind: 'webhooks' });
    return changed;
  }

  #notify(change: RepositoryChange): void {
    // Listeners run after the current operation has returned, as they would for another process.
    for (const listener of this.#listeners) queueMicrotask(() => listener(change));
  }

  #startWatching(): void {
    this.#dataVersion = this.#readDataVersion();
    this.#webhooksVersion = this.#readWebhooksVersion();
    this.#changeTimer = setInterval(() => this.#checkForChanges(), this.#changeCheckMs);
    this.#changeTimer.unref();
  }

  #stopWatching(): void {
    if (this.#changeTimer) clearInterval(this.#changeTimer);
    this.#changeTimer = null;
  }

  /** `data_version` changes only when another connection commits; our own changes notify directly. */
  #checkForChanges(): void {
    if (!this.#db.open) return;
    const dataVersion = this.#readDataVersion();
    if (dataVersion === this.#dataVersion) return;
    this.#dataVersion = dataVersion;
    const webhooksVersion = this.#readWebhooksVersion();
    if (webhooksVersion !== this.#webhooksVersion) {
      this.#webhooksVersion = webhooksVersion;
      this.#notify({ kind: 'webhooks' });
    }
    this.#notify({ kind: 'calls' });
  }

  #readDataVersion(): number {
    return Number(this.#db.pragma('data_version', { simple: true }));
  }

  #readWebhooksVersion(): number {
    try {
      return Number(this.#get('webhooksVersion').pluck().get() ?? 0);
    } catch {
      // Not migrated yet: nothing to compare.
      return 0;
    }
  }
}

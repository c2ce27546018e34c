import { createHash } from 'node:crypto';
import pg, { type ClientBase, type Pool, type QueryConfig, type QueryResult } from 'pg';
import { duplicateWebhookNameError, HooklineValidationError } from '../../errors.js';
import type {
  ClaimOptions,
  CompleteAttemptInput,
  InsertCallsContext,
  Repository,
  RepositoryChange,
  UpdateWebhookOptions,
} from '../../repository/repository.js';
import type { CallQuery } from '../../schemas/call-query.js';
import type { Attempt, Webhook, WebhookCall } from '../../types.js';
import { callOrderSql, callWhereSql, type SqlDialect } from '../shared/call-query-sql.js';
import {
  attemptColumns,
  attemptValues,
  callColumns,
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
import { PostgresChangeFeed } from './postgres-change-feed.js';
import { type MigrationResult, migratePostgres, quoteIdentifier } from './postgres-migrations.js';
import { claimCallSql, claimDueCallsSql, nextDueAtSql } from './sql/claim-due-calls.js';
import { completeAttemptSql } from './sql/complete-attempt.js';
import { completeAttemptsArrays, completeAttemptsSql } from './sql/complete-attempts.js';
import { insertCallsSql } from './sql/insert-calls.js';
import { StatementBatcher } from './statement-batcher.js';

/**
 * The host's open transaction, as `dispatch(event, { transaction })` takes it: the `pg` client
 * (`PoolClient` or `Client`) on which the host ran `BEGIN`.
 */
export type PostgresTransaction = ClientBase;

export interface PostgresRepositoryOptions {
  /** A pool the host already has. hookline borrows connections from it and never ends it. */
  pool?: Pool;
  /** Where to connect when no `pool` is given; hookline then creates a pool and `close()` ends it. */
  connectionString?: string;
  /** Connections in the pool created from `connectionString`. Default: 10. */
  poolSize?: number;
  /** The schema holding hookline's tables (letters, digits and `_`, at most 50). Default: `'hookline'`. */
  schema?: string;
  /**
   * Told about failures hookline recovers from by itself: the change listener's lost connection
   * (it reconnects) and errors of idle connections in a pool it created. Default: ignored.
   */
  onError?: (error: unknown) => void;
}

/** Completion statements running at once; more calls finishing meanwhile wait and join a batch. */
const completionsInFlight = 2;
const schemaPattern = /^[A-Za-z_][A-Za-z0-9_]{0,49}$/;

/** `pg` already parses both, unless the host changed its global type parsers. */
const codec: ValueCodec = {
  date: (value) => (value instanceof Date ? value : new Date(value as string)),
  json: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
};
const encoder: ValueEncoder = { date: (value) => value, boolean: (value) => value };

const quotedColumns = (columns: readonly string[], table = '') =>
  columns.map((column) => `${table}"${column}"`).join(', ');

function optionsError(path: string, message: string): HooklineValidationError {
  return new HooklineValidationError('PostgresRepository options', [{ path, message }]);
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const details = error as { code?: unknown; constraint?: unknown };
  return details?.code === '23505' && details.constraint === constraint;
}

/** When a waiting call may be sent, for ordering a claimed batch. */
function dueTime(call: WebhookCall): number {
  return (
    call.status === 'rescheduled' && call.nextRetryAt ? call.nextRetryAt : call.createdAt
  ).getTime();
}

/**
 * Keeps webhooks, calls and attempts in PostgreSQL, so calls survive restarts and several processes
 * share the delivery work. Claims lease calls with `FOR UPDATE SKIP LOCKED`; `NOTIFY` wakes idle
 * workers in every process when calls are added and refreshes their webhook caches. Run `migrate()`
 * once before use (it is safe to run from every process at start-up).
 */
export class PostgresRepository implements Repository<PostgresTransaction> {
  readonly schema: string;
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #channel: string;
  readonly #feed: PostgresChangeFeed;
  readonly #sql: ReturnType<typeof statements>;
  /** Starts the name of every statement this repository prepares (see `#run`). */
  readonly #statementPrefix: string;
  readonly #completions: StatementBatcher<CompleteAttemptInput, WebhookCall | null>;

  constructor(options: PostgresRepositoryOptions) {
    const schema = options.schema ?? 'hookline';
    if (!schemaPattern.test(schema)) {
      throw optionsError(
        'schema',
        'must be letters, digits and underscores (at most 50), not starting with a digit',
      );
    }
    if ((options.pool === undefined) === (options.connectionString === undefined)) {
      throw optionsError('pool', 'give either pool or connectionString');
    }
    const onError = options.onError ?? (() => undefined);
    this.schema = schema;
    if (options.pool) {
      this.#pool = options.pool;
      this.#ownsPool = false;
    } else {
      this.#pool = new pg.Pool({
        connectionString: options.connectionString,
        max: options.poolSize ?? 10,
      });
      // Without a listener, an idle connection's error would crash the process.
      this.#pool.on('error', onError);
      this.#ownsPool = true;
    }
    this.#channel = `hookline.${schema}`;
    this.#feed = new PostgresChangeFeed(this.#pool, this.#channel, onError);
    this.#sql = statements(quoteIdentifier(schema));
    // PostgreSQL keeps the first 63 characters of a statement's name, and the schema alone may take
    // 50: a digest of it keeps every name whole and apart from other schemas' on a shared pool.
    const digest = createHash('sha256').update(schema).digest('hex').slice(0, 16);
    this.#statementPrefix = `hookline_${digest}_`;
    // Attempts that finish while others are being recorded are recorded together, in one commit.
    this.#completions = new StatementBatcher((inputs) => this.#completeMany(inputs), {
      maxBatch: 100,
      maxInFlight: completionsInFlight,
      canJoin: (batch, input) => !batch.some((other) => other.callId === input.callId),
    });
  }

  /** Creates or updates hookline's tables; idempotent and safe when processes run it at once. */
  async migrate(): Promise<MigrationResult> {
    return migratePostgres(this.#pool, this.schema);
  }

  /** Stops listening for changes and ends the pool if this repository created it. */
  async close(): Promise<void> {
    await this.#feed.stop();
    if (this.#ownsPool) await this.#pool.end();
  }

  async insertWebhook(webhook: Webhook): Promise<void> {
    try {
      await this.#run('insert_webhook', this.#sql.insertWebhook, [
        ...webhookValues(webhook, encoder),
        this.#channel,
      ]);
    } catch (error) {
      if (isUniqueViolation(error, 'webhooks_name_key')) {
        throw duplicateWebhookNameError(webhook.name);
      }
      throw error;
    }
  }

  /**
   * With `expected`, one UPDATE whose WHERE compares every column: PostgreSQL re-checks it against
   * the newest row when a concurrent transaction changed it first, so compare and write are atomic.
   */
  async updateWebhook(webhook: Webhook, options?: UpdateWebhookOptions): Promise<boolean> {
    const values = [...webhookValues(webhook, encoder), this.#channel];
    const expected = options?.expected;
    try {
      const result = expected
        ? await this.#run('update_webhook_cas', this.#sql.updateWebhookIfUnchanged, [
            ...values,
            ...webhookValues(expected, encoder),
          ])
        : await this.#run('update_webhook', this.#sql.updateWebhook, values);
      return result.rowCount === 1;
    } catch (error) {
      if (isUniqueViolation(error, 'webhooks_name_key')) {
        throw duplicateWebhookNameError(webhook.name);
      }
      throw error;
    }
  }

  async deleteWebhook(id: string): Promise<boolean> {
    const result = await this.#run('delete_webhook', this.#sql.deleteWebhook, [id, this.#channel]);
    return result.rowCount === 1;
  }

  async getWebhook(id: string): Promise<Webhook | null> {
    const result = await this.#run('get_webhook', this.#sql.getWebhook, [id]);
    const row = result.rows[0];
    return row ? decodeWebhook(row, codec) : null;
  }

  async listWebhooks(): Promise<Webhook[]> {
    const result = await this.#run('list_webhooks', this.#sql.listWebhooks, []);
    return result.rows.map((row) => decodeWebhook(row, codec));
  }

  async insertCalls(
    calls: readonly WebhookCall[],
    context?: InsertCallsContext<PostgresTransaction>,
  ): Promise<void> {
    if (calls.length === 0) return;
    const columns = callColumns.map((): unknown[] => []);
    for (const call of calls) {
      callValues(call, encoder).forEach((value, index) => {
        columns[index]?.push(value);
      });
    }
    const transaction = context?.transaction;
    if (transaction !== undefined) checkTransaction(transaction);
    await this.#run(
      'insert_calls',
      this.#sql.insertCalls,
      [...columns, this.#channel],
      transaction ?? this.#pool,
    );
  }

  async getCall(id: string): Promise<WebhookCall | null> {
    const result = await this.#run('get_call', this.#sql.getCall, [id]);
    const row = result.rows[0];
    return row ? decodeCall(row, codec) : null;
  }

  async listCalls(query: CallQuery): Promise<{ calls: WebhookCall[]; total: number }> {
    const values: unknown[] = [];
    const dialect: SqlDialect = {
      bind(value) {
        values.push(value);
        return `$${values.length}`;
      },
      oneOf(column, list) {
        return `${column} = ANY(${this.bind([...list])}::text[])`;
      },
      date: (value) => value,
    };
    const where = callWhereSql(query, dialect);
    const table = `${this.#sql.schema}.calls`;
    const page = await this.#pool.query<Row>(
      `SELECT ${this.#sql.callList}, count(*) OVER () AS total FROM ${table} ${where}
       ${callOrderSql(query)} LIMIT ${dialect.bind(query.limit)} OFFSET ${dialect.bind(query.offset)}`,
      values,
    );
    const first = page.rows[0];
    let total = first ? Number(first.total) : 0;
    if (!first && query.offset > 0) {
      // The page is past the end, so no row carried the count.
      const counted = await this.#pool.query<Row>(
        `SELECT count(*) AS total FROM ${table} ${where}`,
        values.slice(0, -2),
      );
      total = Number(counted.rows[0]?.total ?? 0);
    }
    return { calls: page.rows.map((row) => decodeCall(row, codec)), total };
  }

  async claimDueCalls(options: ClaimOptions): Promise<WebhookCall[]> {
    if (options.limit < 1) return [];
    const heldIds: string[] = [];
    const heldCounts: number[] = [];
    for (const [webhookId, count] of options.heldByWebhook) {
      heldIds.push(webhookId);
      heldCounts.push(count);
    }
    const result = await this.#run('claim_due_calls', this.#sql.claimDueCalls, [
      options.now,
      options.limit,
      options.leaseToken,
      options.perWebhookLimit,
      heldIds,
      heldCounts,
      new Date(options.now.getTime() + options.leaseMs),
    ]);
    return result.rows
      .map((row) => decodeCall(row, codec))
      .sort((a, b) => dueTime(a) - dueTime(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async claimCall(
    id: string,
    options: Pick<ClaimOptions, 'now' | 'leaseToken' | 'leaseMs'>,
  ): Promise<WebhookCall | null> {
    const result = await this.#run('claim_call', this.#sql.claimCall, [
      id,
      options.leaseToken,
      new Date(options.now.getTime() + options.leaseMs),
      options.now,
    ]);
    const row = result.rows[0];
    return row ? decodeCall(row, codec) : null;
  }

  async completeAttempt(input: CompleteAttemptInput): Promise<WebhookCall | null> {
    return this.#completions.push(input);
  }

  async #completeMany(
    inputs: CompleteAttemptInput[],
  ): Promise<PromiseSettledResult<WebhookCall | null>[]> {
    if (inputs.length === 1) {
      return Promise.allSettled([this.#completeOne(inputs[0] as CompleteAttemptInput)]);
    }
    const columns = Array.from({ length: completeAttemptsArrays }, (): unknown[] => []);
    for (const input of inputs) {
      const attempt = input.attempt
        ? attemptValues(input.attempt, encoder).filter((_, index) => index !== 1)
        : attemptColumns.slice(1).map(() => null);
      const values = [
        input.callId,
        input.leaseToken,
        ...attempt,
        ...callUpdateValues(input.update, encoder),
      ];
      values.forEach((value, index) => {
        columns[index]?.push(value);
      });
    }
    let result: QueryResult<Row>;
    try {
      result = await this.#run('complete_attempts', this.#sql.completeAttempts, [
        ...columns,
        this.#channel,
      ]);
    } catch {
      // One input's failure (its call deleted meanwhile, say) must not fail the others.
      return Promise.allSettled(inputs.map((input) => this.#completeOne(input)));
    }
    const updated = new Map(
      result.rows.map((row) => [row.id as string, decodeCall(row, codec)] as const),
    );
    return inputs.map((input) => ({
      status: 'fulfilled',
      value: updated.get(input.callId) ?? null,
    }));
  }

  async #completeOne(input: CompleteAttemptInput): Promise<WebhookCall | null> {
    const attempt = input.attempt
      ? attemptValues(input.attempt, encoder)
      : attemptColumns.map(() => null);
    const result = await this.#run('complete_attempt', this.#sql.completeAttempt, [
      input.callId,
      input.leaseToken,
      ...attempt,
      ...callUpdateValues(input.update, encoder),
      this.#channel,
    ]);
    const row = result.rows[0];
    return row ? decodeCall(row, codec) : null;
  }

  async listAttempts(callId: string): Promise<Attempt[]> {
    const result = await this.#run('list_attempts', this.#sql.listAttempts, [callId]);
    return result.rows.map((row) => decodeAttempt(row, codec));
  }

  async nextDueAt(): Promise<Date | null> {
    const result = await this.#run('next_due_at', this.#sql.nextDueAt, []);
    const value = result.rows[0]?.next_due_at;
    return value === null || value === undefined ? null : codec.date(value);
  }

  async pruneCalls(options: { olderThan: Date }): Promise<number> {
    const result = await this.#run('prune_calls', this.#sql.pruneCalls, [
      options.olderThan,
      new Date(),
    ]);
    return result.rowCount ?? 0;
  }

  subscribe(listener: (change: RepositoryChange) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  /** Runs a statement prepared once per connection, named after this schema so schemas can share a pool. */
  #run(
    name: string,
    text: string,
    values: unknown[],
    on: Pick<ClientBase, 'query'> = this.#pool,
  ): Promise<QueryResult<Row>> {
    const config: QueryConfig = { name: this.#statementPrefix + name, text, values };
    return on.query<Row>(config);
  }
}

/** Refuses what cannot be the host's transaction, rather than writing outside it unnoticed. */
function checkTransaction(transaction: unknown): void {
  const candidate = transaction as { query?: unknown; totalCount?: unknown } | null;
  const issue =
    typeof candidate?.query !== 'function'
      ? 'must be the pg client of the open transaction'
      : typeof candidate.totalCount === 'number'
        ? 'must be the pg client of the open transaction, not the pool (a pool query runs outside it)'
        : null;
  if (issue) {
    throw new HooklineValidationError('dispatch options', [
      { path: 'transaction', message: issue },
    ]);
  }
}

/** Every fixed statement, written once per repository for its schema. */
function statements(schema: string) {
  const s = schema;
  const callList = quotedColumns(callColumns);
  const webhookList = quotedColumns(webhookColumns);
  const webhookBinds = webhookColumns.map((column, index) => {
    const cast = column === 'events' || column === 'headers' ? '::json' : '';
    return `$${index + 1}${cast}`;
  });
  const webhookAssignments = webhookColumns
    .map((column, index) => `"${column}" = ${webhookBinds[index]}`)
    .slice(1);
  const notifyWebhooks = `$${webhookColumns.length + 1}`;
  // The stored row still equals the expected webhook, bound after the channel. JSON is compared as
  // jsonb, so a row written by hand with other spacing still matches what hookline read from it.
  const unchanged = webhookColumns
    .map((column, index) => {
      const bind = `$${webhookColumns.length + 2 + index}`;
      return column === 'events' || column === 'headers'
        ? `"${column}"::jsonb = ${bind}::jsonb`
        : `"${column}" IS NOT DISTINCT FROM ${bind}`;
    })
    .join(' AND ');
  return {
    schema: s,
    callList,
    insertWebhook: `
      WITH inserted AS (
        INSERT INTO ${s}.webhooks (${webhookList}) VALUES (${webhookBinds.join(', ')}) RETURNING 1
      )
      SELECT pg_notify(${notifyWebhooks}, 'webhooks') FROM inserted`,
    updateWebhook: `
      WITH updated AS (
        UPDATE ${s}.webhooks SET ${webhookAssignments.join(', ')} WHERE id = $1 RETURNING 1
      )
      SELECT pg_notify(${notifyWebhooks}, 'webhooks') FROM updated`,
    updateWebhookIfUnchanged: `
      WITH updated AS (
        UPDATE ${s}.webhooks SET ${webhookAssignments.join(', ')}
        WHERE id = $1 AND ${unchanged} RETURNING 1
      )
      SELECT pg_notify(${notifyWebhooks}, 'webhooks') FROM updated`,
    deleteWebhook: `
      WITH deleted AS (DELETE FROM ${s}.webhooks WHERE id = $1 RETURNING 1)
      SELECT pg_notify($2, 'webhooks') FROM deleted`,
    getWebhook: `SELECT ${webhookList} FROM ${s}.webhooks WHERE id = $1`,
    listWebhooks: `SELECT ${webhookList} FROM ${s}.webhooks ORDER BY created_at, id`,
    insertCalls: insertCallsSql(s),
    getCall: `SELECT ${callList} FROM ${s}.calls WHERE id = $1`,
    claimDueCalls: claimDueCallsSql(s, quotedColumns(callColumns, 'c.')),
    claimCall: claimCallSql(s, callList),
    completeAttempt: completeAttemptSql(s, callList),
    completeAttempts: completeAttemptsSql(s, quotedColumns(callColumns, 'c.')),
    listAttempts: `
      SELECT ${quotedColumns(attemptColumns)} FROM ${s}.attempts
      WHERE call_id = $1 ORDER BY position`,
    nextDueAt: nextDueAtSql(s),
    pruneCalls: `
      DELETE FROM ${s}.calls
      WHERE status IN ('success', 'failed') AND created_at < $1
        AND (lease_token IS NULL OR lease_expires_at <= $2)`,
  };
}

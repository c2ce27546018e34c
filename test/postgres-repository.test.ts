import pg from 'pg';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { PostgresRepository } from '../src/adapters/postgres/index.js';
import { emptyExchange } from '../src/delivery/empty-exchange.js';
import {
  HooklineStateError,
  HooklineValidationError,
  type RepositoryChange,
  WebhookManager,
} from '../src/index.js';
import { buildAttempt, buildCall, buildWebhook } from '../src/testing/builders.js';
import { RecordingTransport } from '../src/testing/index.js';
import { errorFrom } from './support/error-from.js';
import { publishEvent, webhookInput } from './support/fixtures.js';
import { databaseUrl, dropSchema, uniqueSchema } from './support/postgres.js';
import { until } from './support/until.js';

const pool = new pg.Pool({ connectionString: databaseUrl, max: 6 });
const schemas: string[] = [];

async function migratedRepository(purpose: string): Promise<PostgresRepository> {
  const schema = uniqueSchema(purpose);
  schemas.push(schema);
  const repository = new PostgresRepository({ pool, schema });
  onTestFinished(() => repository.close());
  await repository.migrate();
  return repository;
}

const event = publishEvent();

afterAll(async () => {
  await pool.end();
  for (const schema of schemas) await dropSchema(schema);
});

describe('PostgresRepository transactional dispatch', () => {
  let repository: PostgresRepository;
  let manager: WebhookManager<pg.ClientBase>;
  let transport: RecordingTransport;

  async function startManager(): Promise<void> {
    repository = await migratedRepository('outbox');
    transport = new RecordingTransport();
    manager = new WebhookManager({ repository, transport });
    onTestFinished(() => manager.stop());
    await manager.createWebhook(webhookInput('https://example.com/hook'));
    await manager.start();
  }

  it('sends nothing when the host rolls its transaction back', async () => {
    await startManager();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const calls = await manager.dispatch(event, { transaction: client });
      expect(calls).toHaveLength(1);
      // Inside the transaction the call exists; outside it does not, yet.
      expect(await repository.getCall(calls[0]?.id ?? '')).toBeNull();
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    await manager.idle();
    expect(transport.requests).toHaveLength(0);
    expect((await manager.listCalls()).total).toBe(0);
  });

  it('sends the calls once the host commits', async () => {
    await startManager();
    const succeeded = new Promise<string>((resolve) =>
      manager.on('call:succeeded', ({ call }) => resolve(call.id)),
    );
    const client = await pool.connect();
    let callId = '';
    try {
      await client.query('BEGIN');
      const [call] = await manager.dispatch(event, { transaction: client });
      callId = call?.id ?? '';
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    // The commit's NOTIFY wakes the worker.
    expect(await succeeded).toBe(callId);
    expect(transport.requests).toHaveLength(1);
    expect((await manager.getCall(callId)).status).toBe('success');
  });

  it('refuses a pool or anything else in place of the transaction client', async () => {
    await startManager();
    const loose = manager as WebhookManager<unknown>;
    for (const transaction of [pool, {}, 'BEGIN']) {
      const error = await errorFrom(
        () => loose.dispatch(event, { transaction }),
        HooklineValidationError,
      );
      expect(error.issues[0]?.path).toBe('transaction');
    }
    // @ts-expect-error the transaction is the client of the open transaction, not the pool
    await expect(manager.dispatch(event, { transaction: pool })).rejects.toThrow(/not the pool/);
    expect((await manager.listCalls()).total).toBe(0);
  });
});

describe('PostgresRepository.migrate', () => {
  it('applies each step once when several processes migrate at the same moment', async () => {
    const schema = uniqueSchema('migrate');
    schemas.push(schema);
    const repositories = Array.from(
      { length: 5 },
      () => new PostgresRepository({ connectionString: databaseUrl, schema, poolSize: 1 }),
    );
    for (const repository of repositories) onTestFinished(() => repository.close());
    const results = await Promise.all(repositories.map((repository) => repository.migrate()));
    expect(results.filter((result) => result.applied.length > 0)).toEqual([
      { applied: [1], version: 1 },
    ]);
    expect(results.every((result) => result.version === 1)).toBe(true);
    const { rows } = await pool.query(`SELECT version FROM "${schema}".migrations`);
    expect(rows).toEqual([{ version: 1 }]);
    expect(await repositories[0]?.migrate()).toEqual({ applied: [], version: 1 });
  });

  it('refuses a schema that a newer hookline migrated', async () => {
    const repository = await migratedRepository('newer');
    await pool.query(
      `INSERT INTO "${repository.schema}".migrations (version, name) VALUES (99, 'future')`,
    );
    await expect(repository.migrate()).rejects.toThrow(HooklineStateError);
  });

  it('keeps schemas apart, even on one pool', async () => {
    const one = await migratedRepository('apart');
    const two = await migratedRepository('apart');
    const webhook = buildWebhook({ id: 'w1', name: 'same name', url: 'https://example.com/hook' });
    await one.insertWebhook(webhook);
    await two.insertWebhook({ ...webhook, url: 'https://example.com/other' });
    expect((await one.getWebhook('w1'))?.url).toBe('https://example.com/hook');
    expect((await two.getWebhook('w1'))?.url).toBe('https://example.com/other');
  });

  it('keeps apart schemas of the longest allowed names on one connection', async () => {
    // PostgreSQL keeps 63 characters of a prepared statement's name: a name made of the schema and
    // the statement would lose its end, and statements would collide within a schema and between
    // schemas that share their first characters.
    const connection = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    onTestFinished(() => connection.end());
    const [one, two] = ['1', '2'].map((last) => {
      const schema = uniqueSchema('long').padEnd(49, 'x') + last;
      schemas.push(schema);
      return new PostgresRepository({ pool: connection, schema });
    }) as [PostgresRepository, PostgresRepository];
    for (const repository of [one, two]) await repository.migrate();
    const webhook = buildWebhook({ id: 'w1', name: 'same name', url: 'https://example.com/hook' });
    await one.insertWebhook(webhook);
    await two.insertWebhook({ ...webhook, url: 'https://example.com/other' });
    expect((await one.getWebhook('w1'))?.url).toBe('https://example.com/hook');
    expect((await two.getWebhook('w1'))?.url).toBe('https://example.com/other');
    expect(await two.listWebhooks()).toHaveLength(1);
    await one.insertCalls([buildCall({ id: 'c1', webhookId: 'w1' })]);
    expect((await one.getCall('c1'))?.webhookId).toBe('w1');
    expect(await two.getCall('c1')).toBeNull();
  });
});

describe('PostgresRepository options', () => {
  it('checks the schema name and the connection source', () => {
    const bad = [
      { pool, schema: 'bad-name' },
      { pool, schema: '1st' },
      { pool, schema: 'x'.repeat(51) },
      {},
      { pool, connectionString: databaseUrl },
    ];
    for (const options of bad) {
      expect(() => new PostgresRepository(options)).toThrow(HooklineValidationError);
    }
  });

  it('leaves a pool it was given open, and ends one it created', async () => {
    const borrowed = await migratedRepository('pools');
    await borrowed.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const owner = new PostgresRepository({
      connectionString: databaseUrl,
      schema: borrowed.schema,
    });
    expect(await owner.listWebhooks()).toEqual([]);
    await owner.close();
    await expect(owner.listWebhooks()).rejects.toThrow();
  });
});

describe('PostgresRepository.subscribe', () => {
  /** Collects changes and lets a test wait for the next one of a kind. */
  function collect(repository: PostgresRepository) {
    const waiting: { kind: RepositoryChange['kind']; resolve: () => void }[] = [];
    const unsubscribe = repository.subscribe((change) => {
      const index = waiting.findIndex((entry) => entry.kind === change.kind);
      if (index >= 0) waiting.splice(index, 1)[0]?.resolve();
    });
    onTestFinished(unsubscribe);
    return (kind: RepositoryChange['kind']) =>
      new Promise<void>((resolve) => waiting.push({ kind, resolve }));
  }

  it("tells listeners about other processes' changes, and reconnects after losing the connection", async () => {
    const listening = await migratedRepository('notify');
    const errors: unknown[] = [];
    const repository = new PostgresRepository({
      connectionString: databaseUrl,
      schema: listening.schema,
      poolSize: 2,
      onError: (error) => errors.push(error),
    });
    onTestFinished(() => repository.close());
    const other = new PostgresRepository({
      connectionString: databaseUrl,
      schema: listening.schema,
      poolSize: 1,
    });
    onTestFinished(() => other.close());
    const next = collect(repository);

    // Once listening, the feed reports both kinds (changes may have been missed until then).
    await Promise.all([next('webhooks'), next('calls')]);
    const manager = new WebhookManager({ repository: other, transport: new RecordingTransport() });
    const webhookAdded = next('webhooks');
    await manager.createWebhook(webhookInput('https://example.com/hook'));
    await webhookAdded;
    const callsAdded = next('calls');
    await manager.dispatch(event);
    await callsAdded;

    // Kill the listening connection: the feed reports the error, reconnects and resyncs.
    const resynced = Promise.all([next('webhooks'), next('calls')]);
    const { rowCount } = await pool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1',
      [`LISTEN "hookline.${listening.schema}"`],
    );
    expect(rowCount).toBe(1);
    await resynced;
    expect(errors.length).toBeGreaterThan(0);
    const afterReconnect = next('calls');
    await manager.dispatch(event);
    await afterReconnect;
  });
});

describe('PostgresRepository.completeAttempt in batches', () => {
  it('settles the rest of a batch when one input fails', async () => {
    const repository = await migratedRepository('batch');
    const manager = new WebhookManager({ repository, transport: new RecordingTransport() });
    await manager.createWebhook(webhookInput('https://example.com/hook'));
    const calls = await Promise.all(Array.from({ length: 6 }, () => manager.dispatch(event)));
    const now = new Date();
    const claimed = await repository.claimDueCalls({
      now,
      limit: 10,
      leaseToken: 'lease',
      leaseMs: 60_000,
      perWebhookLimit: 10,
      heldByWebhook: new Map(),
    });
    expect(claimed).toHaveLength(6);
    const exchange = { ...emptyExchange, responseStatus: 200, durationMs: 3 };
    const results = await Promise.allSettled(
      calls.flat().map((call, n) =>
        repository.completeAttempt({
          callId: call.id,
          leaseToken: 'lease',
          // The last two reuse one attempt id: the batch holding both fails, and so does one of them.
          attempt: buildAttempt({
            id: n >= 4 ? 'same-attempt' : `attempt-${n}`,
            callId: call.id,
            startedAt: now,
            ...exchange,
          }),
          update: {
            ...exchange,
            status: 'success',
            lastSentAt: now,
            nextRetryAt: null,
            attemptedAutoRetriesCount: 0,
            attemptsCount: 1,
          },
        }),
      ),
    );
    const statuses = results.map((result) => result.status);
    expect(statuses.slice(0, 4)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(statuses.slice(4).sort()).toEqual(['fulfilled', 'rejected']);
    const { total } = await manager.listCalls({ status: 'success' });
    expect(total).toBe(5);
  });
});

describe('PostgresRepository.insertCalls racing a webhook delete', () => {
  /**
   * A manager with two webhooks matching `event`, the first of which a connection of its own deletes
   * in a transaction it holds open: its `DELETE` has run but not committed yet.
   */
  async function pendingDelete() {
    const repository = await migratedRepository('race');
    const manager = new WebhookManager({ repository, transport: new RecordingTransport() });
    const doomed = await manager.createWebhook(webhookInput('https://example.com/doomed'));
    const kept = await manager.createWebhook(webhookInput('https://example.com/kept'));
    const deleter = await pool.connect();
    onTestFinished(async () => {
      await deleter.query('ROLLBACK');
      deleter.release();
    });
    const { rows } = await deleter.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const deleterPid = rows[0]?.pid;
    await deleter.query('BEGIN');
    const deleted = await deleter.query(
      `DELETE FROM "${repository.schema}".webhooks WHERE id = $1`,
      [doomed.id],
    );
    expect(deleted.rowCount).toBe(1);
    /** Resolves once another connection's statement waits for a lock the deleter holds. */
    const deleterBlocksSomeone = () =>
      until(async () => {
        const waiting = await pool.query(
          `SELECT 1 FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND $1::int = ANY(pg_blocking_pids(pid))`,
          [deleterPid],
        );
        return (waiting.rowCount ?? 0) > 0;
      });
    return { repository, manager, doomed, kept, deleter, deleterBlocksSomeone };
  }

  /** Tracks whether `promise` has settled, without handling its rejection for the caller. */
  function track<T>(promise: Promise<T>) {
    const state = { settled: false };
    promise.then(
      () => {
        state.settled = true;
      },
      () => {
        state.settled = true;
      },
    );
    return state;
  }

  it('waits for the delete to commit, then skips the deleted webhook’s call without failing', async () => {
    const { manager, doomed, kept, deleter, deleterBlocksSomeone } = await pendingDelete();
    const created: string[] = [];
    manager.on('call:created', ({ call }) => created.push(call.webhookId));

    const dispatching = manager.dispatch(event);
    const dispatch = track(dispatching);
    // The insert locks the doomed webhook's row, so it queues behind the uncommitted delete.
    await deleterBlocksSomeone();
    expect(dispatch.settled).toBe(false);
    await deleter.query('COMMIT');

    const calls = await dispatching;
    // As if dispatched just before the delete: both calls are returned and announced...
    expect(calls.map((call) => call.webhookId).sort()).toEqual([doomed.id, kept.id].sort());
    expect(created.sort()).toEqual([doomed.id, kept.id].sort());
    // ...and the delete took the doomed one's call with it.
    const stored = await manager.listCalls();
    expect(stored.calls.map((call) => call.webhookId)).toEqual([kept.id]);
    const doomedCall = calls.find((call) => call.webhookId === doomed.id);
    expect(await manager.repository.getCall(doomedCall?.id ?? '')).toBeNull();
  });

  it('stores both calls when the delete rolls back instead', async () => {
    const { manager, deleter, deleterBlocksSomeone } = await pendingDelete();
    const dispatching = manager.dispatch(event);
    await deleterBlocksSomeone();
    await deleter.query('ROLLBACK');
    const calls = await dispatching;
    expect(calls).toHaveLength(2);
    expect((await manager.listCalls()).total).toBe(2);
  });

  it("leaves the host's transaction usable: the host commits its own change", async () => {
    const { repository, manager, kept, deleter, deleterBlocksSomeone } = await pendingDelete();
    const changes = `"${repository.schema}".host_changes`;
    await pool.query(`CREATE TABLE ${changes} (id text PRIMARY KEY)`);
    const host = await pool.connect();
    onTestFinished(async () => {
      await host.query('ROLLBACK');
      host.release();
    });
    await host.query('BEGIN');
    await host.query(`INSERT INTO ${changes} (id) VALUES ('article-1')`);

    const dispatching = manager.dispatch(event, { transaction: host });
    const dispatch = track(dispatching);
    await deleterBlocksSomeone();
    expect(dispatch.settled).toBe(false);
    await deleter.query('COMMIT');
    expect(await dispatching).toHaveLength(2);
    // A failed statement would have aborted the transaction, and COMMIT would roll it back.
    const committed = await host.query('COMMIT');
    expect(committed.command).toBe('COMMIT');

    expect((await pool.query(`SELECT id FROM ${changes}`)).rows).toEqual([{ id: 'article-1' }]);
    const stored = await manager.listCalls();
    expect(stored.calls.map((call) => call.webhookId)).toEqual([kept.id]);
  });
});

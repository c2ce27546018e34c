/**
 * 2. Durable delivery vs a job queue: the same deliveries through hookline on PostgreSQL (and on
 * SQLite) and through graphile-worker 0.16 with one undici POST per job, same receiver, same
 * concurrency, same database server, alternating rounds in one process. Each side first enqueues
 * every event (hookline: dispatch(), one INSERT per event; graphile-worker: add_jobs, 1,000 per
 * statement), then is timed from the start of its worker until every delivery is recorded.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PostgresRepository } from '../../dist/adapters/postgres/index.js';
import { SqliteRepository } from '../../dist/adapters/sqlite/index.js';
import type { Repository, WebhookEventInput } from '../../dist/index.js';
import { atLeast, type BenchResult, informative } from '../bench-result.js';
import { runCase } from '../case-context.js';
import { GraphileBaseline } from '../graphile-baseline.js';
import { settledCalls } from '../hookline-drain.js';
import { median, round } from '../measure.js';
import { measuredRun, type RunMeasurement } from '../measured-run.js';
import { sampleEvent } from '../sample-event.js';
import { createBenchWebhook, throughputManager } from '../throughput-manager.js';

const concurrency = 50;

interface SideRun {
  enqueueMs: number;
  drain: RunMeasurement;
}

/** Runs `count` calls of `loops` parallel loops over `events`, as concurrent CMS writes would. */
async function inParallel<T>(
  items: readonly T[],
  loops: number,
  body: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const loop = async () => {
    for (let index = next++; index < items.length; index = next++) await body(items[index] as T);
  };
  await Promise.all(Array.from({ length: loops }, loop));
}

async function hooklineRound(
  repository: Repository,
  receiverUrl: string,
  events: readonly WebhookEventInput[],
): Promise<SideRun> {
  const manager = throughputManager(concurrency, repository);
  await createBenchWebhook(manager, receiverUrl);
  const enqueueStarted = performance.now();
  await inParallel(events, concurrency, (event) => manager.dispatch(event));
  const enqueueMs = performance.now() - enqueueStarted;
  const settled = settledCalls(manager, events.length);
  let failed = 0;
  const drain = await measuredRun(receiverUrl, events.length, async () => {
    await manager.start();
    failed = (await settled).failed;
  });
  await manager.stop();
  await manager.transport.close?.();
  if (failed > 0) throw new Error(`hookline: ${failed} calls failed`);
  // The full call log: every call settled with its attempt recorded.
  const { total } = await manager.listCalls({ status: 'success', limit: 1 });
  const { calls } = await manager.listCalls({ limit: 1 });
  const attempts = calls[0] ? await manager.listAttempts(calls[0].id) : [];
  if (total !== events.length || attempts.length !== 1) throw new Error('call log incomplete');
  return { enqueueMs, drain };
}

async function postgresRound(
  databaseUrl: string,
  receiverUrl: string,
  events: readonly WebhookEventInput[],
  label: string,
): Promise<SideRun> {
  const schema = `hookline_bench_${process.pid}_${label}`;
  const repository = new PostgresRepository({ connectionString: databaseUrl, schema });
  try {
    await repository.migrate();
    return await hooklineRound(repository, receiverUrl, events);
  } finally {
    await repository.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}

async function sqliteRound(
  receiverUrl: string,
  events: readonly WebhookEventInput[],
  label: string,
): Promise<SideRun> {
  const filename = join(tmpdir(), `hookline-bench-${process.pid}-${label}.db`);
  const repository = new SqliteRepository({ filename });
  try {
    await repository.migrate();
    return await hooklineRound(repository, receiverUrl, events);
  } finally {
    await repository.close();
    for (const suffix of ['', '-wal', '-shm']) await rm(`${filename}${suffix}`, { force: true });
  }
}

async function graphileRound(
  databaseUrl: string,
  receiverUrl: string,
  events: readonly WebhookEventInput[],
  label: string,
): Promise<SideRun> {
  const baseline = new GraphileBaseline({
    connectionString: databaseUrl,
    schema: `graphile_bench_${process.pid}_${label}`,
    concurrency,
    url: `${receiverUrl}/hook`,
  });
  try {
    await baseline.migrate();
    const enqueueStarted = performance.now();
    await baseline.enqueue(events);
    const enqueueMs = performance.now() - enqueueStarted;
    const drain = await measuredRun(receiverUrl, events.length, () =>
      baseline.drain(events.length),
    );
    return { enqueueMs, drain };
  } finally {
    await baseline.drop();
  }
}

runCase(async (context): Promise<BenchResult> => {
  const count = context.quick ? 3_000 : 20_000;
  const rounds = context.quick ? 1 : 3;
  const events = Array.from({ length: count }, (_, index) => sampleEvent(index));
  const warm = events.slice(0, 500);
  await graphileRound(context.databaseUrl, context.receiverUrl, warm, 'warm');
  await postgresRound(context.databaseUrl, context.receiverUrl, warm, 'warm');
  await sqliteRound(context.receiverUrl, warm, 'warm');

  const graphile: SideRun[] = [];
  const postgres: SideRun[] = [];
  const sqlite: SideRun[] = [];
  for (let index = 0; index < rounds; index += 1) {
    graphile.push(
      await graphileRound(context.databaseUrl, context.receiverUrl, events, `${index}`),
    );
    postgres.push(
      await postgresRound(context.databaseUrl, context.receiverUrl, events, `${index}`),
    );
    sqlite.push(await sqliteRound(context.receiverUrl, events, `${index}`));
  }

  const drainRate = (runs: SideRun[]) => median(runs.map((run) => run.drain.perSecond));
  const enqueueRate = (runs: SideRun[]) =>
    median(runs.map((run) => (count * 1000) / run.enqueueMs));
  const endToEnd = (runs: SideRun[]) =>
    median(runs.map((run) => (count * 1000) / (run.enqueueMs + run.drain.ms)));
  const gw = drainRate(graphile);
  return {
    name: 'durable-vs-queue',
    title: `2. Durable delivery vs a job queue (${count.toLocaleString('en')} deliveries, concurrency ${concurrency})`,
    figures: [
      { label: 'graphile-worker 0.16 + undici, delivery', value: round(gw, 0), unit: 'jobs/s' },
      {
        label: 'hookline, PostgresRepository, delivery',
        value: round(drainRate(postgres), 0),
        unit: 'calls/s',
      },
      {
        label: 'hookline, SqliteRepository, delivery',
        value: round(drainRate(sqlite), 0),
        unit: 'calls/s',
      },
      {
        label: 'graphile-worker, enqueue (add_jobs x 1,000)',
        value: round(enqueueRate(graphile), 0),
        unit: 'jobs/s',
      },
      {
        label: 'hookline PostgreSQL, enqueue (dispatch, 50 at once)',
        value: round(enqueueRate(postgres), 0),
        unit: 'events/s',
      },
      {
        label: 'hookline SQLite, enqueue (dispatch, 50 at once)',
        value: round(enqueueRate(sqlite), 0),
        unit: 'events/s',
      },
    ],
    ratios: [
      atLeast(
        'hookline PostgreSQL / graphile-worker, delivery',
        round(drainRate(postgres) / gw, 3),
        1.5,
      ),
      atLeast('hookline SQLite / graphile-worker, delivery', round(drainRate(sqlite) / gw, 3), 1.5),
      informative(
        'hookline PostgreSQL / graphile-worker, enqueue + delivery',
        round(endToEnd(postgres) / endToEnd(graphile), 3),
      ),
    ],
    notes: [
      `Median of ${rounds} rounds (graphile-worker, hookline on PostgreSQL, hookline on SQLite in turn) after a 500-event warm-up; quick mode: 3,000 deliveries, 1 round. Each round gets a fresh schema (or SQLite file), dropped afterwards.`,
      'Delivery is timed from starting the worker (graphile-worker run(), hookline start()) until every job succeeded / every call:succeeded; hookline writes the full call log (the call row updated and one attempt row with request and response per call), graphile-worker deletes each finished job.',
      'graphile-worker: concurrency 50, maxPoolSize 51 (its performance page pairs pool = concurrency + 1), default pollInterval (jobs are already waiting), noHandleSignals, the task does one undici POST through a shared 50-connection Agent. hookline: concurrency 50, perWebhookConcurrency 50, PostgresRepository with its default pool of 10.',
    ],
    details: { count, rounds, concurrency, graphile, postgres, sqlite },
  };
});

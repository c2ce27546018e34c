/**
 * 5. Multi-process: 1, 2 and 4 worker processes, each a WebhookManager (concurrency 50) on one
 * PostgreSQL schema pre-filled with pending calls. Throughput is the calls delivered over the time
 * from telling every process to start until the processes together report every call settled.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresRepository } from '../../dist/adapters/postgres/index.js';
import { WebhookManager } from '../../dist/index.js';
import { type BenchResult, informative } from '../bench-result.js';
import { benchTransport } from '../bench-transport.js';
import { runCase } from '../case-context.js';
import { busyShare, machineCpu } from '../machine-load.js';
import { median, round } from '../measure.js';
import { receiverStats } from '../receiver-stats.js';
import { sampleEvent } from '../sample-event.js';
import { createBenchWebhook } from '../throughput-manager.js';

const processCounts = [1, 2, 4] as const;
const concurrency = 50;
const workerScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'multi-process-worker.ts');

function once<T>(child: ChildProcess, accept: (message: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const value = accept(message);
      if (value === undefined) return;
      child.off('message', onMessage);
      resolve(value);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

/** Fills a fresh schema with `count` pending calls for one webhook pointing at the receiver. */
async function prefill(databaseUrl: string, schema: string, receiverUrl: string, count: number) {
  const repository = new PostgresRepository({ connectionString: databaseUrl, schema });
  await repository.migrate();
  const manager = new WebhookManager({ repository, transport: benchTransport() });
  await createBenchWebhook(manager, receiverUrl);
  let next = 0;
  const loop = async () => {
    for (let index = next++; index < count; index = next++) {
      await manager.dispatch(sampleEvent(index));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { repository, manager };
}

async function runWith(
  processes: number,
  databaseUrl: string,
  receiverUrl: string,
  count: number,
  label: string,
) {
  const schema = `hookline_mp_${process.pid}_${label}_${processes}`;
  const { repository } = await prefill(databaseUrl, schema, receiverUrl, count);
  const children = Array.from({ length: processes }, () =>
    fork(workerScript, [databaseUrl, schema, String(concurrency)], {
      execArgv: ['--import', 'tsx'],
    }),
  );
  try {
    await Promise.all(
      children.map((child) => once(child, (message) => (message === 'ready' ? true : undefined))),
    );
    const receiverBefore = await receiverStats(receiverUrl);
    const settledBy = new Map<ChildProcess, number>();
    const allSettled = new Promise<void>((resolve) => {
      for (const child of children) {
        child.on('message', (message) => {
          const counts = message as { succeeded?: number; failed?: number };
          if (typeof counts.succeeded !== 'number') return;
          settledBy.set(child, counts.succeeded + (counts.failed ?? 0));
          const total = [...settledBy.values()].reduce((sum, settled) => sum + settled, 0);
          if (total >= count) resolve();
        });
      }
    });
    const cpuBefore = machineCpu();
    const started = performance.now();
    for (const child of children) child.send('start');
    await allSettled;
    const ms = performance.now() - started;
    const machineBusy = busyShare(cpuBefore, machineCpu());
    // Let any duplicate delivery (a lease taken twice) reach the receiver before it is counted.
    await sleep(200);
    const receiverAfter = await receiverStats(receiverUrl);
    const reports = await Promise.all(
      children.map((child) => {
        const report = once(child, (message) =>
          (message as { final?: boolean }).final
            ? (message as { succeeded: number; failed: number })
            : undefined,
        );
        child.send('stop');
        return report;
      }),
    );
    const succeeded = reports.reduce((sum, report) => sum + report.succeeded, 0);
    const failed = reports.reduce((sum, report) => sum + report.failed, 0);
    const requests = receiverAfter.requests - receiverBefore.requests;
    if (succeeded !== count || failed > 0) {
      throw new Error(`${processes} processes: ${succeeded} succeeded, ${failed} failed`);
    }
    return {
      processes,
      ms,
      perSecond: (count * 1000) / ms,
      perProcess: reports.map((report) => report.succeeded),
      machineBusy,
      duplicateRequests: requests - count,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
    await repository.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}

runCase(async (context): Promise<BenchResult> => {
  const count = context.quick ? 3_000 : 20_000;
  const rounds = context.quick ? 1 : 2;
  const runs = new Map<number, Awaited<ReturnType<typeof runWith>>[]>(
    processCounts.map((processes) => [processes, []]),
  );
  for (let index = 0; index < rounds; index += 1) {
    for (const processes of processCounts) {
      runs
        .get(processes)
        ?.push(
          await runWith(processes, context.databaseUrl, context.receiverUrl, count, `${index}`),
        );
    }
  }
  const rate = (processes: number) =>
    median((runs.get(processes) ?? []).map((run) => run.perSecond));
  return {
    name: 'multi-process',
    title: `5. Multi-process on one PostgreSQL database (${count.toLocaleString('en')} pending calls)`,
    figures: processCounts.map((processes) => ({
      label: `${processes} worker process${processes > 1 ? 'es' : ''}`,
      value: round(rate(processes), 0),
      unit: 'calls/s',
    })),
    ratios: [
      informative('2 processes / 1 process', round(rate(2) / rate(1), 3)),
      informative(
        'machine CPU busy with 1 process (all cores)',
        round(median((runs.get(1) ?? []).map((run) => run.machineBusy ?? Number.NaN)), 2),
      ),
      informative('4 processes / 1 process', round(rate(4) / rate(1), 3)),
    ],
    notes: [
      `Each process: WebhookManager on PostgresRepository (default pool of 10), concurrency 50, perWebhookConcurrency 50, one webhook. The schema is filled with ${count.toLocaleString('en')} pending calls first; timed from "start" until the processes' call:succeeded counts (sent over IPC) add up to all calls; median of ${rounds} rounds; quick mode: 3,000 calls, 1 round.`,
      'Each run checks that every call succeeded exactly once across processes (the receiver counts the requests: duplicateRequests in details).',
      'The machine has 2 cores shared by the worker processes, PostgreSQL and the receiver, so more processes mostly add contention here; the figure shows that sharing one database costs little and stays correct.',
    ],
    details: { count, rounds, runs: Object.fromEntries(runs) },
  };
});

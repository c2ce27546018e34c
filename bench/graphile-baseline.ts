/**
 * The queue a user would otherwise build: graphile-worker 0.16 (the last line that runs on Node 20)
 * with a task doing one undici POST per job through a shared keep-alive Agent. Configured for
 * throughput as its performance page recommends: a worker pool of `concurrency` jobs with a
 * PostgreSQL pool one larger, jobs added in bulk with `add_jobs`, no signal handlers, quiet logger.
 */
import { EventEmitter } from 'node:events';
import { Logger, run, runMigrations, type Task, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { WebhookEventInput } from '../dist/index.js';
import { rawAgent } from './raw-undici-loop.js';
import { samplePayloadBody } from './sample-event.js';

const quiet = new Logger(() => () => undefined);

export interface GraphileBaselineOptions {
  connectionString: string;
  /** A schema of its own, dropped by `drop()`. */
  schema: string;
  concurrency: number;
  url: string;
}

export class GraphileBaseline {
  readonly #options: GraphileBaselineOptions;
  readonly #pool: pg.Pool;

  constructor(options: GraphileBaselineOptions) {
    this.#options = options;
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: 2 });
  }

  async migrate(): Promise<void> {
    await runMigrations({
      connectionString: this.#options.connectionString,
      schema: this.#options.schema,
      logger: quiet,
    });
  }

  /** Adds one job per event, 1,000 per `add_jobs` statement. */
  async enqueue(events: readonly WebhookEventInput[]): Promise<void> {
    const schema = `"${this.#options.schema}"`;
    for (let start = 0; start < events.length; start += 1_000) {
      const specs = events.slice(start, start + 1_000).map((event) => ({
        identifier: 'deliver',
        payload: { url: this.#options.url, event },
      }));
      await this.#pool.query(
        `select ${schema}.add_jobs(array(select json_populate_recordset(null::${schema}.job_spec, $1::json)))`,
        [JSON.stringify(specs)],
      );
    }
  }

  /** Runs the worker pool until `count` jobs have succeeded; throws if any job failed. */
  async drain(count: number): Promise<void> {
    const agent = rawAgent(this.#options.concurrency);
    const deliver: Task = async (payload) => {
      const { url, event } = payload as { url: string; event: WebhookEventInput };
      const target = new URL(url);
      const response = await agent.request({
        origin: target.origin,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'graphile-baseline/1' },
        body: samplePayloadBody(event, 'graphile'),
      });
      await response.body.text();
      if (response.statusCode < 200 || response.statusCode >= 300) {
        throw new Error(`receiver answered ${response.statusCode}`);
      }
    };
    const events: WorkerEvents = new EventEmitter();
    let succeeded = 0;
    let failed = 0;
    const done = new Promise<void>((resolve) => {
      events.on('job:success', () => {
        succeeded += 1;
        if (succeeded + failed === count) resolve();
      });
      events.on('job:failed', () => {
        failed += 1;
        if (succeeded + failed === count) resolve();
      });
    });
    const runner = await run({
      connectionString: this.#options.connectionString,
      schema: this.#options.schema,
      concurrency: this.#options.concurrency,
      maxPoolSize: this.#options.concurrency + 1,
      noHandleSignals: true,
      logger: quiet,
      events,
      taskList: { deliver },
    });
    await done;
    await runner.stop();
    await agent.close();
    if (failed > 0) throw new Error(`graphile-worker: ${failed} jobs failed`);
  }

  async drop(): Promise<void> {
    await this.#pool.query(`drop schema if exists "${this.#options.schema}" cascade`);
    await this.#pool.end();
  }
}

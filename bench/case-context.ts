import type { BenchResult } from './bench-result.js';

/** What the runner hands every benchmark process (as JSON in `HOOKLINE_BENCH`). */
export interface CaseContext {
  /** Smaller counts, fewer rounds: `npm run bench -- --quick`. */
  quick: boolean;
  /** The shared receiver, e.g. `http://127.0.0.1:40123`. */
  receiverUrl: string;
  databaseUrl: string;
}

export function readCaseContext(): CaseContext {
  const raw = process.env.HOOKLINE_BENCH;
  if (!raw) throw new Error('run benchmarks through bench/run.ts (npm run bench)');
  return JSON.parse(raw) as CaseContext;
}

/** Sends the result to the runner, or prints it when the file was started by hand. */
export function reportResult(result: BenchResult): void {
  if (process.send) process.send({ result });
  else console.log(JSON.stringify(result, null, 2));
}

/** Runs a benchmark body, reports its result and exits (pooled connections would keep it alive). */
export function runCase(body: (context: CaseContext) => Promise<BenchResult>): void {
  body(readCaseContext()).then(
    (result) => {
      reportResult(result);
      // Let the IPC message flush before exiting.
      setImmediate(() => process.exit(0));
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * Runs hookline's benchmarks: `npm run bench` (full) or `npm run bench -- --quick` (smaller counts,
 * under two minutes). Options:
 *   --quick            smaller counts and fewer rounds (see each benchmark's notes)
 *   --only a,b         run only these benchmarks (by name); results.json is then left alone
 *   --cpu-prof         write a V8 CPU profile of each benchmark process to bench/profiles/
 *
 * Each benchmark runs in its own Node process (a fresh heap, its own profile) against one shared
 * receiver process, so sender and receiver never share an event loop. Results are printed as a table
 * and written to bench/results.json. Nothing is asserted: ratios are reported against their targets.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchResult } from './bench-result.js';
import type { CaseContext } from './case-context.js';
import { formatTable } from './format-table.js';

interface CaseSpec {
  name: string;
  file: string;
  needsDatabase: boolean;
  nodeFlags: string[];
}

const here = dirname(fileURLToPath(import.meta.url));

const cases: CaseSpec[] = [
  {
    name: 'delivery-vs-wire',
    file: 'cases/delivery-vs-wire.ts',
    needsDatabase: false,
    nodeFlags: [],
  },
  {
    name: 'durable-vs-queue',
    file: 'cases/durable-vs-queue.ts',
    needsDatabase: true,
    nodeFlags: [],
  },
  { name: 'matching', file: 'cases/matching.ts', needsDatabase: false, nodeFlags: ['--expose-gc'] },
  { name: 'memory', file: 'cases/memory.ts', needsDatabase: false, nodeFlags: ['--expose-gc'] },
  { name: 'multi-process', file: 'cases/multi-process.ts', needsDatabase: true, nodeFlags: [] },
];

function parseArgs(argv: readonly string[]) {
  const only = argv.find((arg) => arg.startsWith('--only'));
  let onlyNames: string[] | null = null;
  if (only) {
    const value = only.includes('=') ? only.slice('--only='.length) : argv[argv.indexOf(only) + 1];
    onlyNames = (value ?? '').split(',').filter(Boolean);
    const unknown = onlyNames.filter((name) => !cases.some((spec) => spec.name === name));
    if (unknown.length > 0 || onlyNames.length === 0) {
      throw new Error(`--only takes benchmark names: ${cases.map((spec) => spec.name).join(', ')}`);
    }
  }
  return { quick: argv.includes('--quick'), cpuProf: argv.includes('--cpu-prof'), onlyNames };
}

function startReceiver(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(here, 'receiver.ts'), [], { execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => {
      const { port } = message as { port: number };
      resolve({ child, url: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
  });
}

async function databaseVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return rows[0]?.server_version ?? null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Moves the main thread's profile (thread id 0 in Node's file name) to `target`, drops the rest. */
function keepMainThreadProfile(dir: string, pid: number | undefined, target: string): void {
  const main = readdirSync(dir).find((name) => name.includes(`.${pid}.0.`));
  if (main) renameSync(join(dir, main), target);
  rmSync(dir, { recursive: true, force: true });
}

function runOne(spec: CaseSpec, context: CaseContext, cpuProf: boolean): Promise<BenchResult> {
  // tsx's loader thread is profiled too; with one fixed --cpu-prof-name the two threads overwrite
  // each other's file. Node's own names tell the threads apart, so only the main thread's is kept.
  const profileName = `${spec.name}.${Date.now()}`;
  const profileDir = join(here, 'profiles', profileName);
  const profileFlags = cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(join(here, spec.file), [], {
    execArgv: ['--import', 'tsx', ...spec.nodeFlags, ...profileFlags],
    env: { ...process.env, HOOKLINE_BENCH: JSON.stringify(context) },
  });
  return new Promise((resolve, reject) => {
    let result: BenchResult | null = null;
    child.on('message', (message) => {
      result = (message as { result: BenchResult }).result;
    });
    child.once('exit', (code) => {
      if (cpuProf) keepMainThreadProfile(profileDir, child.pid, `${profileDir}.cpuprofile`);
      if (result) resolve(result);
      else reject(new Error(`${spec.name} exited with ${code} and no result`));
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const postgres = await databaseVersion(databaseUrl);
  const receiver = await startReceiver();
  const context: CaseContext = { quick: args.quick, receiverUrl: receiver.url, databaseUrl };
  const selected = cases.filter((spec) => !args.onlyNames || args.onlyNames.includes(spec.name));
  const results: BenchResult[] = [];
  const skipped: string[] = [];
  const failed: string[] = [];
  try {
    for (const spec of selected) {
      if (spec.needsDatabase && postgres === null) {
        skipped.push(`${spec.name}: PostgreSQL not reachable at DATABASE_URL`);
        continue;
      }
      process.stdout.write(`running ${spec.name}${args.quick ? ' (quick)' : ''}...\n`);
      const caseStarted = Date.now();
      try {
        results.push(await runOne(spec, context, args.cpuProf));
        process.stdout.write(`  done in ${((Date.now() - caseStarted) / 1000).toFixed(1)} s\n`);
      } catch (error) {
        failed.push(`${spec.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    receiver.child.kill();
  }

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    platform: `${os.platform()} ${os.release()}`,
  };
  process.stdout.write(`\n${formatTable(results)}\n`);
  for (const line of skipped) process.stdout.write(`skipped ${line}\n`);
  process.stdout.write(
    `machine: ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, PostgreSQL ${postgres ?? 'n/a'}\n`,
  );

  if (failed.length > 0) {
    for (const line of failed) process.stdout.write(`FAILED ${line}\n`);
    process.stdout.write('a benchmark failed: bench/results.json left unchanged\n');
    process.exitCode = 1;
    return;
  }
  if (args.onlyNames) {
    process.stdout.write('--only given: bench/results.json left unchanged\n');
    return;
  }
  const report = {
    mode: args.quick ? 'quick' : 'full',
    date: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine,
    skipped,
    results,
  };
  const target = join(here, 'results.json');
  mkdirSync(here, { recursive: true });
  writeFileSync(`${target}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(`${target}.tmp`, target);
  process.stdout.write(`wrote bench/results.json (${report.durationSeconds} s)\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

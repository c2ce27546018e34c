/**
 * 4. Memory: peak RSS while 100,000 calls are pending in MemoryRepository, and while deliveries
 * refuse a 100 MB response (UndiciTransport's default 64 KiB cap). Each measurement runs in a fresh
 * process with --expose-gc (bench/memory-probe.ts), its baseline taken after a forced GC.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BenchResult, informative } from '../bench-result.js';
import { runCase } from '../case-context.js';
import { median, round } from '../measure.js';

const run = promisify(execFile);
const probe = join(dirname(fileURLToPath(import.meta.url)), '..', 'memory-probe.ts');
const mb = 1024 * 1024;

async function measure<T>(mode: 'pending' | 'big', count: number, receiverUrl: string): Promise<T> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', probe, mode, String(count), receiverUrl],
    { maxBuffer: 1024 * 1024 },
  );
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(lastLine) as T;
}

interface PendingResult {
  count: number;
  pendingCalls: number;
  dispatchMs: number;
  peakRssDelta: number;
  retainedRssDelta: number;
  retainedHeapDelta: number;
}

interface BigResult {
  calls: number;
  succeeded: number;
  ms: number;
  keptBytesPerCall: number;
  peakRssDelta: number;
}

runCase(async (context): Promise<BenchResult> => {
  const pendingCount = 100_000;
  const bigCalls = 10;
  const rounds = context.quick ? 1 : 3;
  const pendingRuns: PendingResult[] = [];
  const bigRuns: BigResult[] = [];
  for (let index = 0; index < rounds; index += 1) {
    pendingRuns.push(await measure<PendingResult>('pending', pendingCount, context.receiverUrl));
    bigRuns.push(await measure<BigResult>('big', bigCalls, context.receiverUrl));
  }
  for (const runResult of pendingRuns) {
    if (runResult.pendingCalls !== pendingCount + 1) throw new Error('pending calls missing');
  }
  for (const runResult of bigRuns) {
    if (runResult.succeeded !== bigCalls) throw new Error('big responses: calls did not succeed');
  }
  const pendingPeak = median(pendingRuns.map((result) => result.peakRssDelta));
  const pendingHeap = median(pendingRuns.map((result) => result.retainedHeapDelta));
  const bigPeak = median(bigRuns.map((result) => result.peakRssDelta));
  const bigMs = median(bigRuns.map((result) => result.ms));
  return {
    name: 'memory',
    title: '4. Memory',
    figures: [
      {
        label: '100,000 pending calls: peak RSS growth',
        value: round(pendingPeak / mb, 1),
        unit: 'MB',
      },
      {
        label: '100,000 pending calls: peak RSS per call',
        value: round(pendingPeak / pendingCount, 0),
        unit: 'bytes',
      },
      {
        label: '100,000 pending calls: heap kept after GC, per call',
        value: round(pendingHeap / pendingCount, 0),
        unit: 'bytes',
      },
      {
        label: `${bigCalls} x 100 MB responses refused: peak RSS growth`,
        value: round(bigPeak / mb, 1),
        unit: 'MB',
      },
      {
        label: '100 MB response refused: peak RSS per call',
        value: round(bigPeak / bigCalls / 1024, 0),
        unit: 'KiB',
      },
      {
        label: `${bigCalls} x 100 MB responses refused: time to settle`,
        value: round(bigMs, 0),
        unit: 'ms',
      },
    ],
    ratios: [
      informative(
        '100 MB response: peak RSS per call / 100 MB',
        round(bigPeak / bigCalls / (100 * mb), 4),
      ),
    ],
    notes: [
      `Pending: one webhook, the worker not started, ${pendingCount.toLocaleString('en')} sample events dispatched one at a time (each about 600 bytes of JSON, built as it is dispatched); RSS sampled every 1,000 dispatches; median of ${rounds} fresh processes.`,
      `100 MB: ${bigCalls} calls delivered at once to a receiver that streams 100 MB with a 200; UndiciTransport keeps its default 64 KiB (maxResponseBytes) and drops the connection; RSS sampled every 5 ms; median of ${rounds} fresh processes.`,
    ],
    details: { pendingRuns, bigRuns },
  };
});

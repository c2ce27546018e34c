/**
 * 1. Delivery vs the wire: hookline (MemoryRepository, one webhook, concurrency 50) against a raw
 * undici loop POSTing the same bodies at the same concurrency, on the same receiver, alternating
 * rounds in one process. hookline is timed from the first dispatch to the last call recorded, so its
 * figure includes validation, matching, persisting, claiming, recording and events; the raw loop
 * does none of that. Two more sides in the same rounds, the raw loop plus the call-log floor (with
 * references, and with copies), show how close to the wire any in-memory call log can get.
 */
import { atLeast, type BenchResult, informative } from '../bench-result.js';
import { callLogFloor } from '../call-log-floor.js';
import { runCase } from '../case-context.js';
import { settledCalls } from '../hookline-drain.js';
import { median, round } from '../measure.js';
import { measuredRun, type RunMeasurement } from '../measured-run.js';
import { rawAgent, rawUndiciLoop } from '../raw-undici-loop.js';
import { sampleEvent, samplePayloadBody } from '../sample-event.js';
import { createBenchWebhook, throughputManager } from '../throughput-manager.js';

const concurrency = 50;

async function hooklineRound(receiverUrl: string, count: number): Promise<RunMeasurement> {
  const manager = throughputManager(concurrency);
  await createBenchWebhook(manager, receiverUrl);
  const events = Array.from({ length: count }, (_, index) => sampleEvent(index));
  const settled = settledCalls(manager, count);
  await manager.start();
  let failed = 0;
  const run = await measuredRun(receiverUrl, count, async () => {
    for (const event of events) await manager.dispatch(event);
    failed = (await settled).failed;
  });
  await manager.stop();
  await manager.transport.close?.();
  if (failed > 0) throw new Error(`hookline: ${failed} calls failed`);
  return run;
}

/** The raw loop; with `log`, plus the call-log floor (references only, or copies). */
async function rawRound(
  receiverUrl: string,
  count: number,
  log: 'none' | 'references' | 'copies' = 'none',
): Promise<RunMeasurement> {
  const agent = rawAgent(concurrency);
  const events = Array.from({ length: count }, (_, index) => sampleEvent(index));
  const url = `${receiverUrl}/hook`;
  let succeeded = 0;
  const run = await measuredRun(receiverUrl, count, async () => {
    succeeded = await rawUndiciLoop({
      url,
      count,
      concurrency,
      agent,
      body: (index) => samplePayloadBody(events[index] as (typeof events)[number], 'raw'),
      ...(log === 'none' ? {} : { log: callLogFloor(events, url, log === 'copies') }),
    });
  });
  await agent.close();
  if (succeeded !== count) throw new Error(`raw loop: ${count - succeeded} requests failed`);
  return run;
}

runCase(async (context): Promise<BenchResult> => {
  const count = context.quick ? 5_000 : 20_000;
  const rounds = context.quick ? 3 : 5;
  // Warm both paths up (JIT, connection pools) before anything is timed.
  await rawRound(context.receiverUrl, 2_000);
  await hooklineRound(context.receiverUrl, 2_000);
  await rawRound(context.receiverUrl, 2_000, 'copies');
  const raw: RunMeasurement[] = [];
  const floorReferences: RunMeasurement[] = [];
  const floorCopies: RunMeasurement[] = [];
  const hookline: RunMeasurement[] = [];
  for (let index = 0; index < rounds; index += 1) {
    raw.push(await rawRound(context.receiverUrl, count));
    floorReferences.push(await rawRound(context.receiverUrl, count, 'references'));
    floorCopies.push(await rawRound(context.receiverUrl, count, 'copies'));
    hookline.push(await hooklineRound(context.receiverUrl, count));
  }
  const rate = (runs: RunMeasurement[]) => median(runs.map((run) => run.perSecond));
  const cpu = (runs: RunMeasurement[]) => median(runs.map((run) => run.senderCpuUs));
  const receiverBusy = (runs: RunMeasurement[]) => median(runs.map((run) => run.receiverBusy));
  return {
    name: 'delivery-vs-wire',
    title: `1. Delivery vs the wire (${count.toLocaleString('en')} events, concurrency ${concurrency})`,
    figures: [
      { label: 'raw undici loop', value: round(rate(raw), 0), unit: 'req/s' },
      {
        label: 'raw loop + call-log floor, references',
        value: round(rate(floorReferences), 0),
        unit: 'req/s',
      },
      {
        label: 'raw loop + call-log floor, copies',
        value: round(rate(floorCopies), 0),
        unit: 'req/s',
      },
      { label: 'hookline, MemoryRepository', value: round(rate(hookline), 0), unit: 'calls/s' },
      { label: 'raw undici loop, sender CPU', value: round(cpu(raw), 1), unit: 'us/req' },
      {
        label: 'raw loop + call-log floor, copies, sender CPU',
        value: round(cpu(floorCopies), 1),
        unit: 'us/req',
      },
      { label: 'hookline, sender CPU', value: round(cpu(hookline), 1), unit: 'us/call' },
      { label: 'receiver busy during raw loop', value: round(receiverBusy(raw), 2), unit: 'cores' },
      {
        label: 'receiver busy during hookline',
        value: round(receiverBusy(hookline), 2),
        unit: 'cores',
      },
    ],
    ratios: [
      atLeast('hookline / raw undici, throughput', round(rate(hookline) / rate(raw), 3), 0.85),
      informative('raw / hookline, sender CPU per call', round(cpu(raw) / cpu(hookline), 3)),
      informative(
        'call-log floor, references / raw undici, throughput',
        round(rate(floorReferences) / rate(raw), 3),
      ),
      informative(
        'call-log floor, copies / raw undici, throughput',
        round(rate(floorCopies) / rate(raw), 3),
      ),
      informative(
        'hookline / call-log floor with copies, throughput',
        round(rate(hookline) / rate(floorCopies), 3),
      ),
    ],
    notes: [
      `Median of ${rounds} alternating rounds after a warm-up; quick mode: 5,000 events and 3 rounds. hookline is timed from the first dispatch() to the last call:succeeded (validate, match, persist, claim, send, record, emit); the raw loop only builds each body and POSTs it.`,
      'Both use one keep-alive undici Agent with 50 connections; no signing secret or basic auth, so the requests have the same shape and size.',
      'Sender CPU is this process’s user + system time per call (GC threads included): less noisy than wall time when other work shares the machine.',
      'The call-log floor is the raw loop plus the least a sender keeping a call log must do per request (store the call, read it to send, record the attempt and the new state, read the call back), with references or with copies as MemoryRepository keeps them; no validation, matching, leases, async storage or events (bench/call-log-floor.ts).',
    ],
    details: { count, rounds, concurrency, raw, floorReferences, floorCopies, hookline },
  };
});

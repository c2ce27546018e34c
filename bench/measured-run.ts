import { performance } from 'node:perf_hooks';
import { busyShare, machineCpu } from './machine-load.js';
import { receiverStats } from './receiver-stats.js';

/** One timed run: throughput, plus where the CPU went on each side of the wire. */
export interface RunMeasurement {
  ms: number;
  perSecond: number;
  /** This process's CPU time (user + system, GC threads included) per call. */
  senderCpuUs: number;
  /** The receiver's CPU time per request it served during the run. */
  receiverCpuUs: number;
  /** The receiver's CPU time over wall time: near 1 means the receiver was the bottleneck. */
  receiverBusy: number;
  /** The whole machine's busy share (0 to 1, all cores): other work running shows up here. */
  machineBusy: number | null;
}

/** Times `body`, which must deliver `count` requests to the receiver at `receiverUrl`. */
export async function measuredRun(
  receiverUrl: string,
  count: number,
  body: () => Promise<void>,
): Promise<RunMeasurement> {
  const receiverBefore = await receiverStats(receiverUrl);
  const machineBefore = machineCpu();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await body();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const machineBusy = busyShare(machineBefore, machineCpu());
  const receiverAfter = await receiverStats(receiverUrl);
  const receiverCpu = receiverAfter.cpuMicros - receiverBefore.cpuMicros;
  return {
    ms,
    perSecond: (count * 1000) / ms,
    senderCpuUs: (cpu.user + cpu.system) / count,
    receiverCpuUs: receiverCpu / Math.max(1, receiverAfter.requests - receiverBefore.requests),
    receiverBusy: receiverCpu / 1000 / ms,
    machineBusy,
  };
}

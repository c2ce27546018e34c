import { readFileSync } from 'node:fs';

/** Cumulative CPU time of the whole machine (all cores), from /proc/stat; `null` off Linux. */
export interface MachineCpu {
  busy: number;
  total: number;
}

export function machineCpu(): MachineCpu | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** The share of the machine's CPU time that was busy between two readings (0 to 1). */
export function busyShare(before: MachineCpu | null, after: MachineCpu | null): number | null {
  if (!before || !after || after.total === before.total) return null;
  return (after.busy - before.busy) / (after.total - before.total);
}

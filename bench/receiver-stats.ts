import { request } from 'undici';

export interface ReceiverStats {
  requests: number;
  cpuMicros: number;
}

/** The receiver's counters (the `/stats` request itself is not counted). */
export async function receiverStats(receiverUrl: string): Promise<ReceiverStats> {
  const response = await request(`${receiverUrl}/stats`);
  return (await response.body.json()) as ReceiverStats;
}

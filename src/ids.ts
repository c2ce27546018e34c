import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Random bytes are drawn from a pool refilled 512 ids at a time: one randomBytes(16) per id was
// the costliest step of a dispatch (a system call each), as randomUUID's own cache shows.
const randomPool = Buffer.alloc(8 * 512);
let poolOffset = randomPool.length;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter and random bits.
 * Ids made later sort later, even within one millisecond in this process, so "ties by id" keeps
 * creation order and database indexes on ids stay append-mostly.
 */
export function newId(): string {
  let now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4096 ids in one millisecond: borrow the next millisecond rather than lose the order.
    lastMs += 1;
    sequence = 0;
  }
  now = lastMs;
  if (poolOffset === randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  randomPool.copy(bytes, 8, poolOffset, poolOffset + 8);
  poolOffset += 8;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

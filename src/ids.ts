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
  const random = poolOffset;
  poolOffset += 8;
  // The text is written into one reused buffer and read out as a single string: building it from
  // a 16-byte Buffer's hex, or from concatenated pieces, allocated more than the rest of a dispatch.
  const high = Math.floor(now / 0x10000);
  writeHex(0, high >>> 24);
  writeHex(2, (high >>> 16) & 0xff);
  writeHex(4, (high >>> 8) & 0xff);
  writeHex(6, high & 0xff);
  writeHex(9, (now >>> 8) & 0xff);
  writeHex(11, now & 0xff);
  writeHex(14, 0x70 | (sequence >> 8));
  writeHex(16, sequence & 0xff);
  writeHex(19, 0x80 | ((randomPool[random] as number) & 0x3f));
  writeHex(21, randomPool[random + 1] as number);
  for (let index = 0; index < 6; index += 1) {
    writeHex(24 + 2 * index, randomPool[random + 2 + index] as number);
  }
  return idText.toString('latin1');
}

const hexDigits = Buffer.from('0123456789abcdef', 'latin1');
/** The id being written; the dashes stay where they are. */
const idText = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');

function writeHex(at: number, byte: number): void {
  idText[at] = hexDigits[byte >> 4] as number;
  idText[at + 1] = hexDigits[byte & 0xf] as number;
}

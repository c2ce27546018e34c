import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SqliteRepository } from '../src/adapters/sqlite/index.js';
import { HooklineStateError, HooklineValidationError, WebhookManager } from '../src/index.js';
import { RecordingTransport } from '../src/testing/index.js';
import { seedPendingCalls } from './support/delivery-processes.js';
import { errorFrom } from './support/error-from.js';
import { publishEvent, webhookInput } from './support/fixtures.js';
import { makeTempDir } from './support/temp-dir.js';

const run = promisify(execFile);
const claimer = fileURLToPath(new URL('./fixtures/sqlite-claimer.ts', import.meta.url));

async function tempFile(): Promise<string> {
  const directory = await makeTempDir('sqlite');
  onTestFinished(directory.remove);
  return join(directory.path, 'hookline.db');
}

async function open(filename: string): Promise<SqliteRepository> {
  const repository = new SqliteRepository({ filename });
  onTestFinished(() => repository.close());
  await repository.migrate();
  return repository;
}

describe('SqliteRepository', () => {
  it('uses WAL mode, and migrates once however often migrate() runs', async () => {
    const filename = await tempFile();
    const first = new SqliteRepository({ filename });
    onTestFinished(() => first.close());
    expect(await first.migrate()).toEqual({ applied: [1], version: 1 });
    expect(await first.migrate()).toEqual({ applied: [], version: 1 });
    const second = await open(filename);
    expect(await second.migrate()).toEqual({ applied: [], version: 1 });
    const db = new Database(filename, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT version FROM hookline_migrations').pluck().all()).toEqual([1]);
    } finally {
      db.close();
    }
  });

  it('refuses a file that a newer hookline migrated', async () => {
    const filename = await tempFile();
    const repository = await open(filename);
    const db = new Database(filename);
    db.prepare("INSERT INTO hookline_migrations VALUES (99, 'future', 0)").run();
    db.close();
    await expect(repository.migrate()).rejects.toThrow(HooklineStateError);
  });

  it('refuses to join a host transaction, and a missing filename', async () => {
    const repository = await open(await tempFile());
    const manager = new WebhookManager({ repository, transport: new RecordingTransport() });
    await manager.createWebhook(webhookInput('https://example.com/hook'));
    const error = await errorFrom(
      () => manager.dispatch(publishEvent(), { transaction: {} }),
      HooklineValidationError,
    );
    expect(error.issues[0]?.path).toBe('transaction');
    expect((await manager.listCalls()).total).toBe(0);
    expect(() => new SqliteRepository({ filename: '' })).toThrow(HooklineValidationError);
  });

  it('skips the call of a webhook another connection deleted after dispatch matched it', async () => {
    const filename = await tempFile();
    const repository = await open(filename);
    // Not started and polling seldom: the manager keeps matching against the webhooks it read.
    const manager = new WebhookManager({
      repository,
      transport: new RecordingTransport(),
      pollIntervalMs: 3_600_000,
    });
    const doomed = await manager.createWebhook(webhookInput('https://example.com/doomed'));
    const kept = await manager.createWebhook(webhookInput('https://example.com/kept'));
    expect(await manager.dispatch(publishEvent('1'))).toHaveLength(2);

    const otherProcess = await open(filename);
    expect(await otherProcess.deleteWebhook(doomed.id)).toBe(true);

    const calls = await manager.dispatch(publishEvent('2'));
    // Matched against the cached webhooks, so both calls are returned, as if dispatched just
    // before the delete; the doomed one is not stored.
    expect(calls.map((call) => call.webhookId).sort()).toEqual([doomed.id, kept.id].sort());
    const stored = await manager.listCalls();
    expect(stored.calls.map((call) => call.webhookId)).toEqual([kept.id, kept.id]);
  });

  it('never leases one call to two processes claiming from the same file', async () => {
    const filename = await tempFile();
    const repository = await open(filename);
    const ids = await seedPendingCalls(repository, 'https://example.com/hook', 600);
    const outputs = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) =>
        run(process.execPath, ['--import', 'tsx', claimer], {
          env: { ...process.env, HOOKLINE_SQLITE_FILE: filename, HOOKLINE_PROCESS: name },
        }),
      ),
    );
    const claimed = outputs.map(({ stdout }) => JSON.parse(stdout) as string[]);
    const all = claimed.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(ids);
  }, 30_000);
});

import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { PostgresRepository } from '../src/adapters/postgres/index.js';
import { SqliteRepository } from '../src/adapters/sqlite/index.js';
import {
  HooklineConflictError,
  type HooklineEvents,
  MemoryRepository,
  type Repository,
  type Webhook,
  WebhookManager,
} from '../src/index.js';
import { RecordingTransport } from '../src/testing/index.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { publishEvent, webhookInput } from './support/fixtures.js';
import { databaseUrl, dropSchema, uniqueSchema } from './support/postgres.js';
import { answer } from './support/receiver.js';
import { makeTempDir } from './support/temp-dir.js';

// No auto-retries: one failed attempt per call, so each test has exactly one bookkeeping write.
const { receiver, createManager } = await useDeliveryHarness({ manager: { retrySchedule: [] } });

/**
 * A repository that, once armed, runs an edit right after its next `getWebhook` has read: the
 * moment between a read and the write computed from it, where a concurrent edit would be lost.
 */
function withEditAfterNextRead(repository: Repository) {
  let edit: (() => Promise<unknown>) | null = null;
  let edits = 0;
  const wrapped = new Proxy(repository, {
    get(target, property) {
      if (property === 'getWebhook') {
        return async (id: string) => {
          const read = await target.getWebhook(id);
          const pending = edit;
          edit = null;
          if (pending) {
            await pending();
            edits += 1;
          }
          return read;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    repository: wrapped,
    afterNextRead(next: () => Promise<unknown>) {
      edit = next;
    },
    get edits() {
      return edits;
    },
  };
}

/** Two handles on one storage: the worker's, and the one an editor uses (another process's when the storage is shared). */
interface Storage {
  name: string;
  open(): Promise<{ worker: Repository; editor: Repository }>;
}

const directory = await makeTempDir('concurrent-edits');
const schemas: string[] = [];
afterAll(async () => {
  await directory.remove();
  for (const schema of schemas) await dropSchema(schema);
});

let files = 0;
const storages: Storage[] = [
  {
    name: 'MemoryRepository (one process)',
    async open() {
      const repository = new MemoryRepository();
      return { worker: repository, editor: repository };
    },
  },
  {
    name: 'SqliteRepository (two connections to one file)',
    async open() {
      files += 1;
      const filename = join(directory.path, `edits-${files}.db`);
      const worker = new SqliteRepository({ filename });
      await worker.migrate();
      const editor = new SqliteRepository({ filename });
      onTestFinished(async () => {
        await editor.close();
        await worker.close();
      });
      return { worker, editor };
    },
  },
  {
    name: 'PostgresRepository (two pools on one schema)',
    async open() {
      const schema = uniqueSchema('edits');
      schemas.push(schema);
      const worker = new PostgresRepository({ connectionString: databaseUrl, schema, poolSize: 3 });
      await worker.migrate();
      const editor = new PostgresRepository({ connectionString: databaseUrl, schema, poolSize: 2 });
      onTestFinished(async () => {
        await editor.close();
        await worker.close();
      });
      return { worker, editor };
    },
  },
];

describe.each(storages)('concurrent webhook edits, $name', (storage) => {
  async function managers() {
    const { worker, editor } = await storage.open();
    const interleaved = withEditAfterNextRead(worker);
    const manager = createManager({ repository: interleaved.repository });
    // Another manager, as another process (or request handler) editing the same webhook.
    const other = new WebhookManager({ repository: editor, transport: new RecordingTransport() });
    return { manager, other, interleaved };
  }

  it('an edit made between the worker’s read and its failingSince write survives, and so does failingSince', async () => {
    const { manager, other, interleaved } = await managers();
    const hook = await manager.createWebhook(webhookInput(`${receiver.url}/failing`));
    const edited: Webhook[] = [];
    receiver.handle((request, response, incoming) => {
      // The failure makes the worker read the webhook to record failingSince; the edit lands after.
      interleaved.afterNextRead(async () => {
        edited.push(await other.updateWebhook(hook.id, { url: `${receiver.url}/edited` }));
      });
      answer(500)(request, response, incoming);
    });
    await manager.start();
    await manager.dispatch(publishEvent());
    await manager.idle();

    expect(interleaved.edits).toBe(1);
    const stored = await other.getWebhook(hook.id);
    expect(stored.url).toBe(`${receiver.url}/edited`);
    expect(stored.failingSince).toBeInstanceOf(Date);
    expect(stored.enabled).toBe(true);
    // Recording failingSince is bookkeeping: updatedAt stays that of the user's edit.
    expect(stored.updatedAt).toEqual(edited[0]?.updatedAt);
    expect(receiver.requestsTo('/failing')).toHaveLength(1);
  });

  it('an edit made between the worker’s read and disabling the webhook on 410 Gone survives', async () => {
    const { manager, other, interleaved } = await managers();
    const disabled: HooklineEvents['webhook:disabled'][] = [];
    manager.on('webhook:disabled', (payload) => disabled.push(payload));
    const hook = await manager.createWebhook(webhookInput(`${receiver.url}/gone`));
    receiver.handle((request, response, incoming) => {
      interleaved.afterNextRead(() =>
        other.updateWebhook(hook.id, { headers: { 'X-Edited': 'yes' } }),
      );
      answer(410)(request, response, incoming);
    });
    await manager.start();
    await manager.dispatch(publishEvent());
    await manager.idle();

    expect(interleaved.edits).toBe(1);
    const stored = await other.getWebhook(hook.id);
    expect(stored).toMatchObject({ enabled: false, headers: { 'X-Edited': 'yes' } });
    expect(stored.disabledReason).toMatch(/410 Gone/);
    expect(disabled).toHaveLength(1);
    expect(disabled[0]?.webhook.headers).toEqual({ 'X-Edited': 'yes' });
  });

  it('two edits of different fields, one between the other’s read and write, both survive', async () => {
    const { manager, other, interleaved } = await managers();
    const hook = await manager.createWebhook(webhookInput(`${receiver.url}/first`));
    interleaved.afterNextRead(() => other.updateWebhook(hook.id, { autoRetry: false }));
    const updated = await manager.updateWebhook(hook.id, { url: `${receiver.url}/second` });

    expect(interleaved.edits).toBe(1);
    expect(updated).toMatchObject({ url: `${receiver.url}/second`, autoRetry: false });
    expect(await other.getWebhook(hook.id)).toEqual(updated);
  });
});

describe('a webhook that keeps changing', () => {
  it('updateWebhook gives up with CONFLICT after 5 tries, keeping every other edit', async () => {
    const repository = new MemoryRepository();
    const interleaved = withEditAfterNextRead(repository);
    const manager = new WebhookManager({
      repository: interleaved.repository,
      transport: new RecordingTransport(),
    });
    const other = new WebhookManager({ repository, transport: new RecordingTransport() });
    const hook = await manager.createWebhook(webhookInput('https://example.com/busy'));
    // Every read is followed by another edit, so every conditional write is refused.
    const editAgain = async () => {
      interleaved.afterNextRead(editAgain);
      await other.updateWebhook(hook.id, { headers: { 'X-Edit': String(interleaved.edits + 1) } });
    };
    interleaved.afterNextRead(editAgain);
    const error = await manager.updateWebhook(hook.id, { url: 'https://example.com/mine' }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(HooklineConflictError);
    expect((error as HooklineConflictError).code).toBe('CONFLICT');
    expect(interleaved.edits).toBe(5);
    expect(await other.getWebhook(hook.id)).toMatchObject({
      url: 'https://example.com/busy',
      headers: { 'X-Edit': '5' },
    });
  });
});

import { afterAll, afterEach, beforeEach } from 'vitest';
import type { Transport } from '../../src/transport/transport.js';
import { WebhookManager, type WebhookManagerOptions } from '../../src/webhook-manager.js';
import { localTransport } from './local-transport.js';
import { type Receiver, type ReceiverHandler, startReceiver } from './receiver.js';

export interface DeliveryHarnessOptions {
  /** How the receiver answers until the file says otherwise. Default: 200 "ok". */
  handler?: ReceiverHandler;
  /** Options for every manager of the file; those given to `createManager` win. */
  manager?: WebhookManagerOptions;
}

export interface DeliveryHarness {
  /**
   * The file's receiver on 127.0.0.1. Each test starts with it as the file set it up: an empty
   * request log, answering as it did after `beforeAll`.
   */
  receiver: Receiver;
  /**
   * A manager that delivers to loopback through the real transport, not started. Made in a test
   * (or its `beforeEach`) it is stopped after that test, made in `beforeAll` after the last one;
   * either way its transport is closed.
   */
  createManager(options?: WebhookManagerOptions): WebhookManager;
  /** `createManager`, started. */
  startManager(options?: WebhookManagerOptions): Promise<WebhookManager>;
}

/**
 * Starts the file's receiver and registers the hooks a delivery test file needs: managers stopped
 * and their transports closed when their test (or the file) ends, and a check after each test that
 * no promise rejection went unhandled, since a delivery that fails that way fails no assertion.
 * Await it at the top of the file, so the receiver is there for the file's own hooks.
 */
export async function useDeliveryHarness(
  settings: DeliveryHarnessOptions = {},
): Promise<DeliveryHarness> {
  const receiver = await startReceiver(settings.handler);
  let handlerBeforeTest = receiver.handler;
  let inTest = false;
  const fileManagers: WebhookManager[] = [];
  const testManagers: WebhookManager[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);

  beforeEach(() => {
    inTest = true;
    handlerBeforeTest = receiver.handler;
  });
  afterEach(async () => {
    inTest = false;
    await stopAll(testManagers.splice(0));
    receiver.handle(handlerBeforeTest);
    receiver.clearRequests();
    if (rejections.length > 0) {
      const [first] = rejections.splice(0);
      throw new Error(`unhandled rejection: ${String(first)}`);
    }
  });
  afterAll(async () => {
    await stopAll(fileManagers.splice(0));
    process.off('unhandledRejection', onRejection);
    await receiver.close();
  });

  const createManager = (options: WebhookManagerOptions = {}) => {
    const merged = { ...settings.manager, ...options };
    const manager = new WebhookManager({
      ...merged,
      transport: merged.transport ?? localTransport(),
    });
    (inTest ? testManagers : fileManagers).push(manager);
    return manager;
  };
  return {
    receiver,
    createManager,
    async startManager(options) {
      const manager = createManager(options);
      await manager.start();
      return manager;
    },
  };
}

/** Stops the managers, then closes each transport once (managers may share one). */
async function stopAll(managers: WebhookManager[]): Promise<void> {
  const transports = new Set<Transport>();
  for (const manager of managers) {
    await manager.stop();
    transports.add(manager.transport);
  }
  for (const transport of transports) await transport.close?.();
}

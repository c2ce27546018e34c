import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createManagementHandler,
  type ManagementHandlerOptions,
  toNodeListener,
} from '../../src/http/index.js';
import type { WebhookManager } from '../../src/webhook-manager.js';

export const adminToken = 'test-admin-token';

/** Lets in requests bearing `adminToken`, refuses `forbidden-token` with 403 and the rest with 401. */
export function bearerAuthorize(request: Request) {
  const header = request.headers.get('authorization');
  if (header === `Bearer ${adminToken}`) return true;
  if (header === 'Bearer forbidden-token') return 'forbidden' as const;
  return false;
}

export interface AdminServer {
  /** Origin and base path: what DatoCMS's client takes as `baseUrl`. */
  baseUrl: string;
  origin: string;
  close(): Promise<void>;
}

/** The management handler on a real node:http server on 127.0.0.1. */
export async function startAdminServer(
  manager: WebhookManager,
  options: Partial<ManagementHandlerOptions> = {},
): Promise<AdminServer> {
  const basePath = options.basePath ?? '/admin/hooks';
  const handler = createManagementHandler(manager, {
    authorize: bearerAuthorize,
    ...options,
    basePath,
  });
  const server = createServer(toNodeListener(handler));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}${basePath}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

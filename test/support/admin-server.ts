import { createServer } from 'node:http';
import {
  createManagementHandler,
  type ManagementHandlerOptions,
  toNodeListener,
} from '../../src/http/index.js';
import type { WebhookManager } from '../../src/webhook-manager.js';
import { listenOnLoopback } from './loopback-server.js';

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
  const { origin, close } = await listenOnLoopback(createServer(toNodeListener(handler)));
  return { origin, baseUrl: `${origin}${basePath}`, close };
}

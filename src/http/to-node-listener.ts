import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { ManagementHandler } from './create-management-handler.js';

/** A `node:http` request listener; Express routes accept it as it is. */
export type NodeListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Adapts the Fetch handler to `node:http` (`http.createServer(listener)`), streaming the request body
 * in and the response out. Built on `@hono/node-server`, without replacing the global `Request` and
 * `Response` as its own server does. The listener reads the body itself: mount it before any body
 * parser, or where none runs.
 */
export function toNodeListener(handler: ManagementHandler): NodeListener {
  return getRequestListener((request) => handler(request), { overrideGlobalObjects: false });
}

import { type Context, Hono } from 'hono';
import type { WebhookInput } from '../types.js';
import type { WebhookManager } from '../webhook-manager.js';
import {
  apiErrorCodes,
  apiErrorResponse,
  hooklineErrorResponse,
  invalidFieldErrors,
  jsonResponse,
} from './api-error.js';
import { callQueryParameterPath, webhookAttributePath } from './attribute-path.js';
import { readCallListParams } from './call-list-params.js';
import { orNull } from './or-null.js';
import { readLimitedText } from './read-limited-text.js';
import { webhookCallResource } from './webhook-call-resource.js';
import {
  maskedValueIssues,
  readWebhookDocument,
  restoreMaskedValues,
  webhookResource,
} from './webhook-resource.js';

const jsonMediaTypes = new Set(['application/json', 'application/vnd.api+json']);

/**
 * A write needs a JSON `Content-Type`. Besides saying what the body is, this keeps other sites out:
 * a browser only sends a cross-site JSON request after a CORS preflight, which this handler never
 * grants, so a host whose `authorize` trusts cookies is not open to forged form posts.
 */
function hasJsonContentType(request: Request): boolean {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  return mediaType !== undefined && jsonMediaTypes.has(mediaType);
}

const unsupportedMediaType = () =>
  apiErrorResponse(415, [
    {
      code: apiErrorCodes.invalidContentType,
      details: { message: 'send Content-Type: application/json' },
    },
  ]);

/** The JSON body, or the 400/413/415 answer explaining why there is none. */
async function readJsonBody(
  c: Context,
  maxBodyBytes: number,
): Promise<{ body: unknown } | { response: Response }> {
  if (!hasJsonContentType(c.req.raw)) return { response: unsupportedMediaType() };
  const text = await readLimitedText(c.req.raw, maxBodyBytes);
  if (text === null) {
    return {
      response: apiErrorResponse(413, [
        { code: apiErrorCodes.bodyTooLarge, details: { max_bytes: maxBodyBytes } },
      ]),
    };
  }
  try {
    return { body: JSON.parse(text) };
  } catch {
    return {
      response: apiErrorResponse(400, [
        { code: apiErrorCodes.invalidFormat, details: { message: 'the body is not valid JSON' } },
      ]),
    };
  }
}

/** Answers hookline's errors (422, 404, 409) and lets anything else through to the 500 handler. */
async function answer(
  fieldName: (path: string) => string,
  work: () => Promise<Response>,
): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    const response = hooklineErrorResponse(error, fieldName);
    if (response) return response;
    throw error;
  }
}

/** DatoCMS's webhook and webhook_call endpoints over the manager. */
export function apiRoutes(manager: WebhookManager, options: { maxBodyBytes: number }): Hono {
  const routes = new Hono();

  routes.get('/webhooks', () =>
    answer(webhookAttributePath, async () => {
      const webhooks = await manager.listWebhooks();
      return jsonResponse(200, { data: webhooks.map(webhookResource) });
    }),
  );

  routes.post('/webhooks', (c) =>
    answer(webhookAttributePath, async () => {
      const read = await readJsonBody(c, options.maxBodyBytes);
      if ('response' in read) return read.response;
      const { fields, issues } = readWebhookDocument(read.body);
      issues.push(...maskedValueIssues(fields));
      if (issues.length > 0) return apiErrorResponse(422, invalidFieldErrors(issues));
      // The manager checks every field (and reports missing ones) against the full schema.
      const webhook = await manager.createWebhook(fields as WebhookInput);
      return jsonResponse(201, { data: webhookResource(webhook) });
    }),
  );

  routes.get('/webhooks/:id', (c) =>
    answer(webhookAttributePath, async () => {
      const webhook = await manager.getWebhook(c.req.param('id'));
      return jsonResponse(200, { data: webhookResource(webhook) });
    }),
  );

  routes.put('/webhooks/:id', (c) =>
    answer(webhookAttributePath, async () => {
      const id = c.req.param('id');
      const read = await readJsonBody(c, options.maxBodyBytes);
      if ('response' in read) return read.response;
      const { fields, issues } = readWebhookDocument(read.body, id);
      if (issues.length > 0) return apiErrorResponse(422, invalidFieldErrors(issues));
      const current = await manager.getWebhook(id);
      const webhook = await manager.updateWebhook(id, restoreMaskedValues(fields, current));
      return jsonResponse(200, { data: webhookResource(webhook) });
    }),
  );

  // DatoCMS's client wants the deleted resource back with a 200; it rejects a 204.
  routes.delete('/webhooks/:id', (c) =>
    answer(webhookAttributePath, async () => {
      const id = c.req.param('id');
      const webhook = await manager.getWebhook(id);
      await manager.deleteWebhook(id);
      return jsonResponse(200, { data: webhookResource(webhook) });
    }),
  );

  routes.get('/webhook_calls', (c) =>
    answer(callQueryParameterPath, async () => {
      const { query, issues } = readCallListParams(new URL(c.req.url).searchParams);
      if (issues.length > 0) return apiErrorResponse(422, invalidFieldErrors(issues));
      const [{ calls, total }, webhooks] = await Promise.all([
        manager.listCalls(query),
        manager.listWebhooks(),
      ]);
      const referenced = new Set(calls.map((call) => call.webhookId));
      return jsonResponse(200, {
        data: calls.map(webhookCallResource),
        meta: { total_count: total },
        included: webhooks.filter((webhook) => referenced.has(webhook.id)).map(webhookResource),
      });
    }),
  );

  routes.get('/webhook_calls/:id', (c) =>
    answer(callQueryParameterPath, async () => {
      const call = await manager.getCall(c.req.param('id'));
      const webhook = await orNull(manager.getWebhook(call.webhookId));
      return jsonResponse(200, {
        data: webhookCallResource(call),
        included: webhook ? [webhookResource(webhook)] : [],
      });
    }),
  );

  // Answered once the attempt is recorded, with the call as it now is: a 202 would make DatoCMS's
  // client poll for an asynchronous job.
  routes.post('/webhook_calls/:id/resend_webhook', (c) =>
    answer(callQueryParameterPath, async () => {
      if (!hasJsonContentType(c.req.raw)) return unsupportedMediaType();
      const call = await manager.resendCall(c.req.param('id'));
      return jsonResponse(200, { data: webhookCallResource(call) });
    }),
  );

  return routes;
}

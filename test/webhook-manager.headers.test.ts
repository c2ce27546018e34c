import { beforeEach, describe, expect, it } from 'vitest';
import { HooklineValidationError } from '../src/errors.js';
import type { WebhookInput } from '../src/types.js';
import { hooklineVersion } from '../src/version.js';
import type { WebhookManager } from '../src/webhook-manager.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { errorFrom } from './support/error-from.js';
import { publishEvent, webhookInput } from './support/fixtures.js';

const { receiver, startManager } = await useDeliveryHarness();
let manager: WebhookManager;

beforeEach(async () => {
  manager = await startManager();
});

async function deliver(path: string, extra: Partial<WebhookInput>) {
  await manager.createWebhook(webhookInput(`${receiver.url}${path}`, extra));
  await manager.dispatch(publishEvent());
  await manager.idle();
  const [request] = receiver.requestsTo(path);
  if (!request) throw new Error(`nothing received on ${path}`);
  return request;
}

function refusal(input: Partial<WebhookInput>): Promise<HooklineValidationError> {
  return errorFrom(
    () => manager.createWebhook(webhookInput(`${receiver.url}/refused`, input)),
    HooklineValidationError,
  );
}

describe('what the receiver gets', () => {
  it('basic auth arrives as Authorization: Basic with the user and password', async () => {
    const request = await deliver('/basic', {
      httpBasicUser: 'cms',
      httpBasicPassword: 'pä$$ word',
    });
    const authorization = request.headers.authorization ?? '';
    expect(authorization).toMatch(/^Basic [A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(authorization.slice(6), 'base64').toString()).toBe('cms:pä$$ word');
  });

  it('custom headers arrive as given, names in their case, next to the JSON content type', async () => {
    const request = await deliver('/custom', {
      headers: { 'X-Site': 'blog', 'x-lower': 'value with spaces', Authorization: 'Bearer t0ken' },
    });
    expect(request.rawHeaders).toEqual(
      expect.arrayContaining(['X-Site', 'x-lower', 'Authorization']),
    );
    expect(request.headers['x-site']).toBe('blog');
    expect(request.headers['x-lower']).toBe('value with spaces');
    expect(request.headers.authorization).toBe('Bearer t0ken');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe(`hookline/${hooklineVersion}`);
    expect(request.method).toBe('POST');
    expect(() => JSON.parse(request.body.toString())).not.toThrow();
  });
});

describe('headers a webhook may not set', () => {
  it.each([
    'Content-Type',
    'content-type',
    'CONTENT-TYPE',
    'Content-Length',
    'Transfer-Encoding',
    'Host',
    'Connection',
    'User-Agent',
    'webhook-id',
    'Webhook-Timestamp',
    'WEBHOOK-SIGNATURE',
  ])('%s is refused on create and on update', async (name) => {
    const error = await refusal({ headers: { [name]: 'text/plain' } });
    expect(error.issues).toEqual([
      { path: `headers.${name}`, message: 'is set by hookline and cannot be overridden' },
    ]);
    const hook = await manager.createWebhook(webhookInput(`${receiver.url}/patched`));
    await expect(manager.updateWebhook(hook.id, { headers: { [name]: 'x' } })).rejects.toThrow(
      HooklineValidationError,
    );
    expect((await manager.getWebhook(hook.id)).headers).toEqual({});
  });

  it.each([
    ['a CR LF in a value', { 'X-Test': 'a\r\nX-Injected: yes' }, 'X-Test'],
    ['a lone LF in a value', { 'X-Test': 'a\nX-Injected: yes' }, 'X-Test'],
    ['a lone CR in a value', { 'X-Test': 'a\rX-Injected: yes' }, 'X-Test'],
    ['a NUL in a value', { 'X-Test': 'a\u0000b' }, 'X-Test'],
    ['a CR LF in a name', { 'X-Test\r\nX-Injected': 'yes' }, 'X-Test\r\nX-Injected'],
    ['a colon in a name', { 'X-Test: yes\r\n': 'yes' }, 'X-Test: yes\r\n'],
    ['a space in a name', { 'X Test': 'yes' }, 'X Test'],
  ])('%s is refused, without echoing the value', async (_case, headers, name) => {
    const error = await refusal({ headers });
    expect(error.issues.map((issue) => issue.path)).toEqual([`headers.${name}`]);
    expect(error.message).not.toContain('Injected: yes');
  });

  it('the same header twice in different case is refused', async () => {
    const error = await refusal({ headers: { 'X-Site': 'a', 'x-site': 'b' } });
    expect(error.issues[0]?.message).toMatch(/twice/);
  });

  it('a custom Authorization header and basic auth together are refused', async () => {
    const error = await refusal({
      headers: { Authorization: 'Bearer x' },
      httpBasicUser: 'u',
      httpBasicPassword: 'p',
    });
    expect(error.issues.map((issue) => issue.path)).toEqual(['headers.Authorization']);
  });

  it('half of basic auth, a user with a colon and credentials in the URL are refused', async () => {
    expect((await refusal({ httpBasicUser: 'u' })).issues[0]?.path).toBe('httpBasicPassword');
    expect((await refusal({ httpBasicUser: 'u:x', httpBasicPassword: 'p' })).issues[0]?.path).toBe(
      'httpBasicUser',
    );
    const inUrl = await refusal({ url: `http://user:secret-pass@127.0.0.1:${receiver.port}/` });
    expect(inUrl.issues[0]?.path).toBe('url');
    expect(inUrl.message).not.toContain('secret-pass');
  });
});

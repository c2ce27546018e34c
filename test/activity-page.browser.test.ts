import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebhookManager } from '../src/index.js';
import { type AdminServer, adminToken, startAdminServer } from './support/admin-server.js';
import { type HeadlessChromium, launchChromium } from './support/chromium.js';
import { useDeliveryHarness } from './support/delivery-harness.js';
import { answer } from './support/receiver.js';
import { makeTempDir } from './support/temp-dir.js';

const { receiver, startManager } = await useDeliveryHarness({
  // The site rebuild endpoint is down until the test brings it back; the other one is fine.
  handler: (request, response) => {
    response.writeHead(request.url === '/rebuild' ? 503 : 200).end();
  },
});
let manager: WebhookManager;
let server: AdminServer;
let browser: HeadlessChromium;

beforeAll(async () => {
  manager = await startManager();
  server = await startAdminServer(manager);
  await manager.createWebhook({
    name: 'Rebuild site',
    url: `${receiver.url}/rebuild`,
    events: [{ entityType: 'item', eventTypes: ['publish', 'unpublish'] }],
    autoRetry: false,
  });
  await manager.createWebhook({
    name: '<script>alert(1)</script>',
    url: `${receiver.url}/steady`,
    events: [{ entityType: 'item' }, { entityType: 'upload' }],
  });
  const events = [
    { entityType: 'item', eventType: 'publish', entity: { id: '101', type: 'item' } },
    { entityType: 'upload', eventType: 'create', entity: { id: 'u7', type: 'upload' } },
    { entityType: 'item', eventType: 'unpublish', entity: { id: '102', type: 'item' } },
    { entityType: 'item', eventType: 'publish', entity: { id: '103', type: 'item' } },
  ];
  for (const event of events) {
    await manager.dispatch(event);
    await manager.idle();
  }
  browser = await launchChromium({
    extraHTTPHeaders: { authorization: `Bearer ${adminToken}` },
    viewport: { width: 1100, height: 760 },
  });
});

afterAll(async () => {
  await browser?.close();
  await server.close();
});

it('filters to failed calls, opens one, resends it and sees it turn to success', async () => {
  const page = await browser.context.newPage();
  const dialogs: string[] = [];
  const policyViolations: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) policyViolations.push(message.text());
  });

  await page.goto(`${server.baseUrl}/activity`);
  // The stylesheet loaded under the policy, and the hostile name is plain text.
  expect(
    await page.locator('header').evaluate((element) => getComputedStyle(element).backgroundColor),
  ).toBe('rgb(29, 35, 43)');
  await expect
    .poll(() => page.locator('table.webhooks').textContent())
    .toContain('<script>alert(1)</script>');

  await page.selectOption('select[name="status"]', 'failed');
  await Promise.all([page.waitForURL(/status=failed/), page.click('button:has-text("Filter")')]);
  const statuses = await page.locator('table.calls .status').allTextContents();
  expect(statuses).toEqual(['failed', 'failed', 'failed']);

  await Promise.all([
    page.waitForURL(/\/activity\/calls\//),
    page.locator('table.calls a.details').first().click(),
  ]);
  expect(await page.locator('dl.facts .status').textContent()).toBe('failed');
  expect(await page.locator('dl.facts').textContent()).toContain('Rebuild site');

  receiver.handle(answer(200));
  await Promise.all([page.waitForURL(/resend=done/), page.click('button:has-text("Resend")')]);
  expect(await page.locator('dl.facts .status').textContent()).toBe('success');
  expect(await page.locator('.notice').textContent()).toBe('Resent: the call is now success.');
  expect(await page.locator('button:has-text("Resend")').count()).toBe(0);
  expect(await page.locator('table.attempts tbody tr').count()).toBe(2);

  await Promise.all([page.waitForURL(/\/activity$/), page.click('a:has-text("All calls")')]);
  // Seven calls: two of the three failures remain, and the resent one now counts as a success.
  const all = await page.locator('table.calls .status').allTextContents();
  expect(all.toSorted()).toEqual([
    'failed',
    'failed',
    'success',
    'success',
    'success',
    'success',
    'success',
  ]);
  const screenshot = await page.screenshot({ fullPage: true });
  expect(screenshot.subarray(1, 4).toString()).toBe('PNG');
  if (process.env.UPDATE_SCREENSHOT) await writeFile('docs/activity-log.png', screenshot);

  expect(dialogs).toEqual([]);
  expect(policyViolations).toEqual([]);
});

it('refuses a Resend form posted from another site', async () => {
  const calls = await manager.listCalls({ status: 'failed', limit: 1 });
  const target = calls.calls[0];
  expect(target).toBeDefined();
  const page = await browser.context.newPage();
  // Load the page once so the browser holds a genuine CSRF cookie for the handler.
  await page.goto(`${server.baseUrl}/activity/calls/${target?.id}`);
  const directory = await makeTempDir('attacker');
  try {
    const attacker = join(directory.path, 'attack.html');
    await writeFile(
      attacker,
      `<form method="post" action="${server.baseUrl}/activity/calls/${target?.id}/resend"><input name="csrf_token" value="guess"><button>go</button></form>`,
    );
    expect(await readFile(attacker, 'utf8')).toContain('guess');
    await page.goto(`file://${attacker}`);
    const [response] = await Promise.all([page.waitForResponse(/\/resend$/), page.click('button')]);
    expect(response.status()).toBe(403);
    expect((await manager.getCall(target?.id ?? '')).attemptsCount).toBe(target?.attemptsCount);
  } finally {
    await directory.remove();
  }
});

import { describe, expect, it } from 'vitest';
import { WebhookManager } from '../src/index.js';
import { describeTemplateProblem, renderCustomPayload } from '../src/payload/custom-payload.js';
import { RecordingTransport } from '../src/testing/index.js';
import { recordEvent, webhookInput } from './support/fixtures.js';

describe('renderCustomPayload', () => {
  it('escapes values for JSON strings, not HTML', () => {
    const title = 'He said "hi" & <left>\nnext line \\ done';
    const rendered = renderCustomPayload('{"title": "{{entity.title}}"}', { entity: { title } });
    expect(JSON.parse(rendered)).toEqual({ title });
  });

  it('writes numbers, booleans, objects and arrays as JSON', () => {
    const view = { count: 3, live: true, entity: { id: '1', tags: ['a', 'b'] } };
    const rendered = renderCustomPayload(
      '{"count": {{count}}, "live": {{live}}, "entity": {{entity}}, "tags": {{entity.tags}}}',
      view,
    );
    expect(JSON.parse(rendered)).toEqual({
      count: 3,
      live: true,
      entity: view.entity,
      tags: ['a', 'b'],
    });
  });

  it('supports sections over the view', () => {
    const rendered = renderCustomPayload('[{{#items}}"{{id}}",{{/items}}"end"]', {
      items: [{ id: 'x"1' }, { id: 'y' }],
    });
    expect(JSON.parse(rendered)).toEqual(['x"1', 'y', 'end']);
  });

  it('describes invalid templates', () => {
    expect(describeTemplateProblem('{{#a}}')).toMatch(/not a valid Mustache template/);
    expect(describeTemplateProblem('{"ok": "{{a}}"}')).toBeNull();
  });
});

describe('custom payloads in delivery', () => {
  it('renders the template with the default body as its view', async () => {
    const transport = new RecordingTransport();
    const manager = new WebhookManager({ transport });
    const hook = await manager.createWebhook(
      webhookInput('https://example.com/custom', {
        customPayload:
          '{"text": "{{event_type}} of {{entity.attributes.title}} ({{entity_type}})", "hook": "{{webhook_id}}", "retries": {{attempted_auto_retries_count}}}',
      }),
    );
    await manager.start();
    await manager.dispatch(
      recordEvent('publish', '1', '44', {
        entity: { id: '1', type: 'item', attributes: { title: 'A "quoted"\ntitle' } },
      }),
    );
    await manager.idle();
    await manager.stop();
    expect(transport.bodiesFor('https://example.com/custom')).toEqual([
      { text: 'publish of A "quoted"\ntitle (item)', hook: hook.id, retries: 0 },
    ]);
    expect(transport.requests[0]?.headers['content-type']).toBe('application/json');
  });
});

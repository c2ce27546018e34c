import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from '../src/http/html.js';

describe('html', () => {
  it('escapes every interpolated string, in text and in quoted attributes', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<td title="${name}">${name}</td>`.toString()).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td>',
    );
  });

  it('keeps nested html, joins lists and drops nullish and boolean values', () => {
    const rows = ['<a>', 'b'].map((cell) => html`<li>${cell}</li>`);
    expect(html`<ul>${rows}${null}${undefined}${false}${3}</ul>`.toString()).toBe(
      '<ul><li>&lt;a&gt;</li><li>b</li>3</ul>',
    );
    expect(html`${new SafeHtml('<b>trusted</b>')}`.toString()).toBe('<b>trusted</b>');
  });

  it('escapeHtml leaves plain text alone', () => {
    expect(escapeHtml('plain text 123')).toBe('plain text 123');
  });
});

import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw, segment } from './html.js';

describe('html', () => {
  it('escapes every interpolated value, in content and in attributes', () => {
    const hostile = `did:isthmus:<script>alert("x")</script>'&\``;
    const out = html`<a href="/explorer/dids/${segment(hostile)}" title="${hostile}">${hostile}</a>`.text;
    expect(out).not.toMatch(/<script|"x"|'&/);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;&#96;');
    expect(out).toContain('href="/explorer/dids/did%3Aisthmus%3A%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E\'%26%60"'.replace("'", '&#39;'));
  });

  it('keeps nested templates and raw markup, joins arrays and drops null, undefined and false', () => {
    const items = ['a<b', 'c'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}${raw('<hr>')}`.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0<hr>');
  });

  it('escapes the five HTML specials and the backtick', () => {
    expect(escapeHtml(`<>&"'\``)).toBe('&lt;&gt;&amp;&quot;&#39;&#96;');
  });
});

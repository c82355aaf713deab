import { escapeHtml, html, isSafeHtml, joinHtml } from './html';

describe('html tagged template', () => {
  it('escapes every interpolated string, in text and in quoted attributes', () => {
    const hostile = `<script>alert("x")</script>' onmouseover='steal()' \`tpl\` & more`;
    const rendered = html`<td title="${hostile}">${hostile}</td>`.toString();
    expect(rendered).not.toContain('<script>');
    expect(rendered).not.toMatch(/["']\s*onmouseover/);
    expect(rendered).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;steal()&#39; &#96;tpl&#96; &amp; more">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;steal()&#39; &#96;tpl&#96; &amp; more</td>',
    );
  });

  it('keeps markup made by html templates, and renders numbers, lists and nothing for null, undefined and false', () => {
    const cell = html`<b>${'a<b'}</b>`;
    expect(html`<p>${cell}${42}${10n}${null}${undefined}${false}${['x', html`<i>y</i>`, ['<z>']]}</p>`.toString()).toBe(
      '<p><b>a&lt;b</b>4210x<i>y</i>&lt;z&gt;</p>',
    );
  });

  it('cannot be fooled by an object that looks like markup', () => {
    const impostor = { markup: '<img src=x onerror=alert(1)>', toString: () => '<img src=x onerror=alert(1)>' };
    expect(html`${impostor as unknown as string}`.toString()).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(isSafeHtml(impostor)).toBe(false);
    expect(isSafeHtml(html`<i>ok</i>`)).toBe(true);
  });

  it('joins items with a markup separator and escapes them', () => {
    expect(joinHtml(['<a>', 'b'], html`<br>`).toString()).toBe('&lt;a&gt;<br>b');
    expect(escapeHtml('&<>"\'`')).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });
});

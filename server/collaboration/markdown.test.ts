import { describe, expect, test } from 'vitest';
import { renderMarkdown, safeLinkUrl } from './markdown.ts';

describe('renderMarkdown', () => {
  test('script tags come out as text', () => {
    const html = renderMarkdown('<script>alert(1)</script>');
    expect(html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(html).not.toContain('<script');
  });

  test('raw HTML with event attributes is escaped', () => {
    const html = renderMarkdown('<img src=x onerror="alert(1)"> and <a href="https://x.test">x</a>');
    expect(html).not.toMatch(/<img|<a /);
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  test('javascript: and data: links lose their link', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<b>x</b>', '/relative', '//evil.test/x']) {
      const html = renderMarkdown(`[click](${url})`);
      expect(html, url).not.toContain('<a');
      expect(html, url).toContain('click');
    }
  });

  test('http and https links are kept with rel and escaped href', () => {
    expect(renderMarkdown('[paper](https://arxiv.org/abs/2505.17254)')).toBe(
      '<p><a href="https://arxiv.org/abs/2505.17254" rel="nofollow noopener noreferrer" target="_blank">paper</a></p>',
    );
    const quoted = renderMarkdown('[x](https://a.test/?q="onmouseover=alert(1))');
    expect(quoted).not.toContain('"onmouseover');
  });

  test('quotes in link text cannot open an attribute', () => {
    const html = renderMarkdown('[" onclick="alert(1)](https://a.test)');
    expect(html).toContain('&quot; onclick=&quot;alert(1)');
    expect(html).not.toMatch(/ onclick="/);
  });

  test('emphasis, strong and inline code', () => {
    expect(renderMarkdown('**bold** and *em* and _em2_ and `a<b`')).toBe(
      '<p><strong>bold</strong> and <em>em</em> and <em>em2</em> and <code>a&lt;b</code></p>',
    );
  });

  test('emphasis markers inside code stay literal', () => {
    expect(renderMarkdown('`**not bold**`')).toBe('<p><code>**not bold**</code></p>');
  });

  test('snake_case names are not emphasis', () => {
    expect(renderMarkdown('use q3_iqr_value here')).toBe('<p>use q3_iqr_value here</p>');
  });

  test('paragraphs, lists, headings and code blocks', () => {
    const html = renderMarkdown('# Result\n\nfirst line\nsecond\n\n- a\n- *b*\n\n1. one\n2. two\n\n```\n<div>x</div>\n```');
    expect(html).toBe(
      [
        '<h3>Result</h3>',
        '<p>first line<br>second</p>',
        '<ul><li>a</li><li><em>b</em></li></ul>',
        '<ol><li>one</li><li>two</li></ol>',
        '<pre><code>&lt;div&gt;x&lt;/div&gt;</code></pre>',
      ].join('\n'),
    );
  });
});

describe('safeLinkUrl', () => {
  test('accepts http and https only', () => {
    expect(safeLinkUrl('http://a.test/x')).toBe('http://a.test/x');
    expect(safeLinkUrl('https://a.test')).toBe('https://a.test/');
    expect(safeLinkUrl('javascript:alert(1)')).toBeNull();
    expect(safeLinkUrl('https://')).toBeNull();
    expect(safeLinkUrl('ftp://a.test')).toBeNull();
  });
});

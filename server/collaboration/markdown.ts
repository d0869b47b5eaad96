/**
 * A strict Markdown subset for notes and comments. Every character of the
 * source is HTML-escaped before any tag is added, so raw HTML, scripts and
 * event attributes always come out as text. Supported: paragraphs, headings
 * (rendered as h3 to h6 so notes never outrank page headings), emphasis,
 * strong, inline code, fenced code blocks, bulleted and numbered lists, and
 * links whose URL is http or https.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

/** Returns the URL when its scheme is http or https, else null (javascript:, data:, relative URLs). */
export function safeLinkUrl(raw: string): string | null {
  if (!/^https?:\/\//i.test(raw)) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// Runs on escaped text, which contains no `<`, `>` or quotes, so the tags added here are the only markup.
function renderEmphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*(?=\S)(.+?)\*(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_(?=\S)(.+?)_(?!\w)/g, '$1<em>$2</em>');
}

const INLINE_TOKEN = /`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** Renders one block's inline Markdown: code spans and links first, emphasis in the text between them. */
export function renderInline(source: string): string {
  let html = '';
  let last = 0;
  for (const match of source.matchAll(INLINE_TOKEN)) {
    html += renderEmphasis(escapeHtml(source.slice(last, match.index)));
    last = match.index + match[0].length;

    const [, code, text, target] = match;
    if (code !== undefined) {
      html += `<code>${escapeHtml(code)}</code>`;
      continue;
    }
    const url = safeLinkUrl(target);
    html += url
      ? `<a href="${escapeHtml(url)}" rel="nofollow noopener noreferrer" target="_blank">${renderEmphasis(escapeHtml(text))}</a>`
      : renderEmphasis(escapeHtml(text));
  }
  return html + renderEmphasis(escapeHtml(source.slice(last)));
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const HEADING = /^(#{1,4})\s+(.*)$/;
const FENCE = /^\s*```/;

function renderList(lines: string[], start: number, pattern: RegExp, tag: 'ul' | 'ol'): { html: string; next: number } {
  const items: string[] = [];
  let i = start;
  for (; i < lines.length; i++) {
    const match = pattern.exec(lines[i]);
    if (!match) break;
    items.push(`<li>${renderInline(match[1])}</li>`);
  }
  return { html: `<${tag}>${items.join('')}</${tag}>`, next: i };
}

/** Renders a note's Markdown source as safe HTML. */
export function renderMarkdown(source: string): string {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flushParagraph = () => {
    if (paragraph.length > 0) blocks.push(`<p>${paragraph.map(renderInline).join('<br>')}</p>`);
    paragraph = [];
  };

  for (let i = 0; i < lines.length; ) {
    const line = lines[i];
    if (FENCE.test(line)) {
      flushParagraph();
      const code: string[] = [];
      for (i += 1; i < lines.length && !FENCE.test(lines[i]); i++) code.push(lines[i]);
      blocks.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
      i += 1;
      continue;
    }

    const list = BULLET.test(line) ? { pattern: BULLET, tag: 'ul' as const } : NUMBERED.test(line) ? { pattern: NUMBERED, tag: 'ol' as const } : null;
    if (list) {
      flushParagraph();
      const rendered = renderList(lines, i, list.pattern, list.tag);
      blocks.push(rendered.html);
      i = rendered.next;
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      flushParagraph();
      const level = heading[1].length + 2;
      blocks.push(`<h${level}>${renderInline(heading[2])}</h${level}>`);
    } else if (line.trim() === '') {
      flushParagraph();
    } else {
      paragraph.push(line.trim());
    }
    i += 1;
  }
  flushParagraph();
  return blocks.join('\n');
}

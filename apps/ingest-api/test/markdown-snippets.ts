export interface Snippet {
  /** The fence's info string: `js`, `sh`... */
  language: string;
  code: string;
  /** 1-based line of the opening fence, for failure messages. */
  line: number;
}

/**
 * The fenced code blocks of a markdown text that come right after a `marker` line (an HTML
 * comment, invisible when rendered). A marker not followed by a fence throws: a test must not
 * silently run fewer examples than the document marks.
 */
export function markedSnippets(markdown: string, marker: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  lines.forEach((text, index) => {
    if (text.trim() !== marker) return;
    const fence = /^```(\w+)$/.exec(lines[index + 1] ?? '');
    const end = lines.indexOf('```', index + 2);
    if (!fence || end === -1) throw new Error(`line ${index + 1}: ${marker} is not followed by a fenced code block`);
    snippets.push({ language: fence[1]!, code: lines.slice(index + 2, end).join('\n'), line: index + 2 });
  });
  return snippets;
}

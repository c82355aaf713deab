/**
 * A YAML subset parser for the repo's own YAML files: the `yaml` package is not a dependency.
 * It understands what docker-compose.yml uses (block mappings and sequences, one-line flow
 * sequences, quoted and plain scalars, comments, anchors, aliases and `<<` merge keys) and throws
 * on anything else (block scalars, flow mappings, tabs...), so a construct it cannot read fails
 * the test that reads the file loudly instead of being skipped.
 */
export type Yaml = string | null | Yaml[] | { [key: string]: Yaml };
export type YamlMap = { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

export function parseYamlSubset(source: string): Yaml {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const leading = /^[ \t]*/.exec(raw)?.[0] ?? '';
    if (leading.includes('\t')) throw new Error(`line ${i + 1}: tab indentation is not supported`);
    const text = stripComment(raw).trimEnd();
    const trimmed = text.trim();
    if (trimmed === '' || trimmed === '---') return;
    if (trimmed === '...' || trimmed.startsWith('%')) throw new Error(`line ${i + 1}: directives/document ends are not supported`);
    lines.push({ indent: text.length - text.trimStart().length, text: trimmed, no: i + 1 });
  });

  const anchors = new Map<string, Yaml>();
  let pos = 0;
  const fail = (line: Line | undefined, message: string): never => {
    throw new Error(`line ${line?.no ?? 'EOF'}: ${message}${line ? ` (${line.text})` : ''}`);
  };
  const isSeqItem = (text: string): boolean => text === '-' || text.startsWith('- ');

  function parseBlock(): Yaml {
    const first = lines[pos];
    if (!first) return null;
    return isSeqItem(first.text) ? parseSeq(first.indent) : parseMap(first.indent);
  }

  function parseMap(indent: number): YamlMap {
    const out: YamlMap = {};
    const merged: YamlMap[] = [];
    for (let line = lines[pos]; line && line.indent === indent && !isSeqItem(line.text); line = lines[pos]) {
      const entry = splitMappingEntry(line.text);
      if (!entry) fail(line, 'expected "key: value"');
      const { key, rest } = entry!;
      pos += 1;
      const value = parseValue(rest, indent, line);
      if (key === '<<') {
        const sources = Array.isArray(value) ? value : [value];
        for (const source of sources) {
          if (!isMap(source)) fail(line, 'a merge key takes a mapping or a list of mappings');
          merged.push(source as YamlMap);
        }
      } else {
        if (Object.prototype.hasOwnProperty.call(out, key)) fail(line, `duplicate key "${key}"`);
        out[key] = value;
      }
    }
    const next = lines[pos];
    if (next && next.indent > indent) fail(next, 'unexpected indentation');
    // Merge keys: explicit keys win, then earlier merged mappings win over later ones.
    for (const source of merged) {
      for (const [key, value] of Object.entries(source)) {
        if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = value;
      }
    }
    return out;
  }

  function parseSeq(indent: number): Yaml[] {
    const out: Yaml[] = [];
    for (let line = lines[pos]; line && line.indent === indent && isSeqItem(line.text); line = lines[pos]) {
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        pos += 1;
        const next = lines[pos];
        out.push(next && next.indent > indent ? parseBlock() : null);
      } else if (splitMappingEntry(rest)) {
        // "- key: value": a mapping whose first entry sits on the dash line.
        const column = line.indent + (line.text.length - rest.length);
        lines[pos] = { indent: column, text: rest, no: line.no };
        out.push(parseMap(column));
      } else {
        pos += 1;
        out.push(parseInline(rest, line));
      }
    }
    const next = lines[pos];
    if (next && next.indent > indent) fail(next, 'unexpected indentation');
    return out;
  }

  function parseValue(rest: string, indent: number, line: Line): Yaml {
    let anchor: string | undefined;
    const anchored = /^&([A-Za-z0-9_-]+)(?:\s+(.*))?$/.exec(rest);
    if (anchored) {
      anchor = anchored[1];
      rest = anchored[2] ?? '';
    }
    let value: Yaml;
    if (rest === '') {
      const next = lines[pos];
      if (next && (next.indent > indent || (next.indent === indent && isSeqItem(next.text)))) value = parseBlock();
      else value = null;
    } else {
      value = parseInline(rest, line);
    }
    if (anchor) anchors.set(anchor, value);
    return value;
  }

  function parseInline(text: string, line: Line): Yaml {
    if (text.startsWith('*')) {
      const name = text.slice(1);
      if (!anchors.has(name)) fail(line, `unknown alias *${name}`);
      return anchors.get(name) ?? null;
    }
    if (text.startsWith('[')) {
      if (!text.endsWith(']')) fail(line, 'multi-line flow sequences are not supported');
      return splitFlowItems(text.slice(1, -1), line).map((item) => parseInline(item, line));
    }
    if (/^[{|>!&%@`]/.test(text)) fail(line, `unsupported YAML construct "${text[0]}"`);
    return parseScalar(text, line);
  }

  function parseScalar(text: string, line: Line): string | null {
    if (text.startsWith('"')) {
      if (!text.endsWith('"') || text.length < 2) fail(line, 'unterminated double-quoted string');
      return JSON.parse(text) as string;
    }
    if (text.startsWith("'")) {
      if (!text.endsWith("'") || text.length < 2) fail(line, 'unterminated single-quoted string');
      return text.slice(1, -1).replace(/''/g, "'");
    }
    return text === '~' || text === 'null' ? null : text;
  }

  function splitFlowItems(inner: string, line: Line): string[] {
    const items: string[] = [];
    let current = '';
    let quote: string | null = null;
    for (const ch of inner) {
      if (quote) {
        current += ch;
        if (ch === quote) quote = null;
      } else if ((ch === '"' || ch === "'") && current.trim() === '') {
        quote = ch;
        current += ch;
      } else if (ch === ',') {
        items.push(current.trim());
        current = '';
      } else if (ch === '[' || ch === '{') {
        fail(line, 'nested flow collections are not supported');
      } else {
        current += ch;
      }
    }
    if (quote) fail(line, 'unterminated string in a flow sequence');
    if (current.trim() !== '') items.push(current.trim());
    return items;
  }

  const result = parseBlock();
  if (pos < lines.length) fail(lines[pos], 'unexpected content');
  return result;
}

/** Removes a trailing comment: a `#` at the line start or after whitespace, outside quotes. */
function stripComment(raw: string): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i += 1) {
    const ch = raw[i]!;
    const prev = i === 0 ? ' ' : raw[i - 1]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if ((ch === '"' || ch === "'") && /[\s[,]/.test(prev)) {
      // A quote only opens a quoted scalar at the start of a token, not inside a plain one.
      quote = ch;
    } else if (ch === '#' && /\s/.test(prev)) {
      return raw.slice(0, i);
    }
  }
  return raw;
}

/** "key: value" / "key:" → { key, rest }; null if the text is not a mapping entry. */
function splitMappingEntry(text: string): { key: string; rest: string } | null {
  const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?:\s+(.*))?$/.exec(text);
  if (quoted) {
    const rawKey = quoted[1]!;
    const key = rawKey.startsWith('"') ? (JSON.parse(rawKey) as string) : rawKey.slice(1, -1).replace(/''/g, "'");
    return { key, rest: (quoted[2] ?? '').trim() };
  }
  if (/^["'[{]/.test(text)) return null;
  const match = /^([^\s#][^:]*?|<<)\s*:(?:\s+(.*))?$/.exec(text);
  if (!match) {
    // A key may contain ':' when not followed by a space; find the first ": " or trailing ':'.
    const at = text.search(/:(\s|$)/);
    if (at <= 0) return null;
    return { key: text.slice(0, at).trim(), rest: text.slice(at + 1).trim() };
  }
  return { key: match[1]!.trim(), rest: (match[2] ?? '').trim() };
}

export function isMap(value: Yaml | undefined): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

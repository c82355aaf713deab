import type { FieldProblem } from './validation-errors';

/** Deeper than any event needs; the limit keeps validation off the recursion cliff. */
export const MAX_BODY_DEPTH = 32;
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be refused
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Walks a parsed body without recursion before schema validation, refusing what PostgreSQL
 * cannot store (NUL characters, unpaired surrogates) and absurd nesting, with the path but never
 * the value.
 */
export function scanBody(body: unknown): FieldProblem | null {
  const stack: Array<{ value: unknown; path: string[]; depth: number }> = [{ value: body, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return problem(path, 'contains characters that cannot be stored (NUL or unpaired surrogate)');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return problem(path, `is nested deeper than ${MAX_BODY_DEPTH} levels`);
    for (const [key, inner] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return problem(path, 'has a key with characters that cannot be stored');
      stack.push({ value: inner, path: [...path, key], depth: depth + 1 });
    }
  }
  return null;
}

function problem(path: string[], message: string): FieldProblem {
  const batch = path[0] === 'events' && /^\d+$/.test(path[1] ?? '');
  const index = batch ? Number(path[1]) : 0;
  const rest = batch ? path.slice(2) : path;
  // Only names that look like our field names are echoed; anything else could be user data.
  const field = rest.map((part) => (/^([A-Za-z_][A-Za-z0-9_]{0,63}|\d{1,6})$/.test(part) ? part : '*')).join('.');
  return { index, field, message };
}

import { UnsupportedJoiError, type JoiNode, type JsonSchema } from './joi-node';

type RuleTranslation = (args: Record<string, unknown>, into: JsonSchema, path: string) => void;

const limit = (args: Record<string, unknown>): number => args['limit'] as number;

/**
 * The Joi rules the event schema uses, per type, in JSON Schema. Joi refuses the empty string
 * unless it is allowed explicitly, and unsafe numbers unless `unsafe()`: both are stated, since
 * JSON Schema accepts them by default.
 */
const RULES: Record<string, Record<string, RuleTranslation>> = {
  string: {
    min: (args, into) => (into['minLength'] = Math.max(1, limit(args))),
    max: (args, into) => (into['maxLength'] = limit(args)),
    // Joi validates the trimmed value: it must keep a character. `\S` is exactly what trim()
    // does not remove (both follow ECMAScript's white space and line terminators). The length
    // limits then count the raw value, which is stricter than Joi, never laxer.
    trim: (args, into) => args['enabled'] === true && addPattern(into, '\\S'),
    // Under `convert` (the API's validation options) Joi changes the case instead of refusing it.
    case: () => undefined,
    pattern: (args, into, path) => addPattern(into, jsonPattern(args, path)),
    uri: (args, into, path) => {
      const { scheme, ...other } = (args['options'] ?? {}) as { scheme?: string[] };
      if (Object.keys(other).length > 0 || !scheme?.every((s) => s === 'http' || s === 'https')) throw new UnsupportedJoiError(path, 'uri() other than http(s)');
      into['format'] = 'uri';
      // For http(s) Joi requires an authority: `https:x` is refused.
      addPattern(into, `^(?:${scheme.join('|')})://`);
    },
    ip: (args, into, path) => {
      const { cidr, version, ...other } = (args['options'] ?? {}) as { cidr?: string; version?: string[] };
      if (cidr !== 'forbidden' || version !== undefined || Object.keys(other).length > 0) throw new UnsupportedJoiError(path, 'ip() with a CIDR or a version list');
      // Joi also takes IPvFuture literals ("v1.x"): JSON Schema has no format for them, and no one sends them.
      into['anyOf'] = [{ format: 'ipv4' }, { format: 'ipv6' }];
    },
  },
  number: {
    integer: (_args, into) => (into['type'] = 'integer'),
    min: (args, into) => (into['minimum'] = limit(args)),
    max: (args, into) => (into['maximum'] = limit(args)),
  },
  array: {
    min: (args, into) => (into['minItems'] = limit(args)),
    max: (args, into) => (into['maxItems'] = limit(args)),
  },
  object: {},
};

/** The JSON Schema of a node's rules (and of its type, for strings and numbers). */
export function describeRules(node: JoiNode, path: string): JsonSchema {
  const translations = RULES[node.type] ?? {};
  const into: JsonSchema = node.type === 'string' || node.type === 'number' ? { type: node.type } : {};
  if (node.type === 'string') into['minLength'] = 1;
  for (const rule of node.rules ?? []) {
    const translate = translations[rule.name];
    if (!translate) throw new UnsupportedJoiError(path, `${node.type} rule ${rule.name}()`);
    translate(rule.args ?? {}, into, path);
  }
  if (node.type === 'number') {
    into['minimum'] ??= Number.MIN_SAFE_INTEGER;
    into['maximum'] ??= Number.MAX_SAFE_INTEGER;
  }
  return into;
}

/** Several patterns must all match: the first is `pattern`, the others go into allOf. */
function addPattern(into: JsonSchema, pattern: string): void {
  if (into['pattern'] === undefined) into['pattern'] = pattern;
  else into['allOf'] = [...((into['allOf'] as JsonSchema[] | undefined) ?? []), { pattern }];
}

/** A Joi pattern's `/source/flags` as a JSON Schema pattern, which has no flags. */
function jsonPattern(args: Record<string, unknown>, path: string): string {
  const match = /^\/(.*)\/([a-z]*)$/s.exec(String(args['regex']));
  if (!match || match[2] !== '' || args['options'] !== undefined) throw new UnsupportedJoiError(path, `pattern ${String(args['regex'])} with flags or options`);
  return match[1]!;
}

import type Joi from 'joi';
import { UnsupportedJoiError, type JoiNode, type JsonSchema } from './joi-node';
import { describeRules } from './joi-rules';

export { UnsupportedJoiError, type JsonSchema };

/** Flags that belong to where a schema is used, not to the schema: kept beside a `$ref`. */
const USE_SITE_FLAGS = new Set(['presence', 'default']);
const KNOWN_FLAGS = new Set([...USE_SITE_FLAGS, 'description', 'only', 'unknown']);
const KNOWN_PARTS = new Set(['type', 'flags', 'rules', 'keys', 'items', 'matches', 'allow', 'metas']);

/**
 * Converts Joi schemas to JSON Schema through `describe()`, for the OpenAPI document. Objects
 * named with `meta({ className })` become components referenced by `$ref`. The converter knows
 * the few types and rules the event schema uses and throws on anything else, so a schema change
 * it cannot express stops the build instead of leaving the document laxer than the API. Where
 * JSON Schema cannot say exactly what Joi checks, the document is the stricter of the two.
 */
export class JoiJsonSchemaConverter {
  readonly components: Record<string, JsonSchema> = {};
  private readonly rendered = new Map<string, string>();

  constructor(private readonly refPrefix = '#/components/schemas/') {}

  convert(schema: Joi.Schema): JsonSchema {
    return this.node(schema.describe() as JoiNode, '(root)');
  }

  private node(node: JoiNode, path: string): JsonSchema {
    for (const part of Object.keys(node)) if (!KNOWN_PARTS.has(part)) throw new UnsupportedJoiError(path, `"${part}"`);
    for (const flag of Object.keys(node.flags ?? {})) if (!KNOWN_FLAGS.has(flag)) throw new UnsupportedJoiError(path, `flag "${flag}"`);
    if (node.flags?.['presence'] === 'forbidden') throw new UnsupportedJoiError(path, 'forbidden presence');
    const className = this.className(node, path);
    const useSite: JsonSchema = node.flags && 'default' in node.flags ? { default: node.flags['default'] } : {};
    if (!className) return { ...this.body(node, path), ...useSite };
    const body = this.body({ ...node, flags: withoutUseSiteFlags(node.flags) }, path);
    const text = JSON.stringify(body);
    if ((this.rendered.get(className) ?? text) !== text) throw new UnsupportedJoiError(path, `two different schemas named ${className}`);
    this.rendered.set(className, text);
    this.components[className] = body;
    return { $ref: `${this.refPrefix}${className}`, ...useSite };
  }

  private body(node: JoiNode, path: string): JsonSchema {
    const description = node.flags?.['description'];
    const described = typeof description === 'string' ? { description } : {};
    if (node.flags?.['only'] !== true) {
      if (node.allow) throw new UnsupportedJoiError(path, 'allow() without valid()');
      return { ...described, ...this.typed(node, path) };
    }
    if ((node.rules ?? []).length > 0 || (node.type !== 'string' && node.type !== 'number')) throw new UnsupportedJoiError(path, 'valid() on rules or a structure');
    return { ...described, type: node.type, enum: node.allow };
  }

  private typed(node: JoiNode, path: string): JsonSchema {
    switch (node.type) {
      case 'object':
        return this.object(node, path);
      case 'array':
        return { type: 'array', ...this.items(node, path), ...describeRules(node, path) };
      case 'alternatives':
        return this.alternatives(node, path);
      case 'string':
      case 'number':
        return describeRules(node, path);
      default:
        throw new UnsupportedJoiError(path, `type ${node.type}`);
    }
  }

  private object(node: JoiNode, path: string): JsonSchema {
    describeRules(node, path);
    const keys = Object.entries(node.keys ?? {});
    const properties = Object.fromEntries(keys.map(([key, child]) => [key, this.node(child, `${path}.${key}`)]));
    const required = keys.filter(([, child]) => child.flags?.['presence'] === 'required').map(([key]) => key);
    // Joi.object() without keys takes any key; with keys, only those unless unknown(true).
    const closed = node.keys !== undefined && node.flags?.['unknown'] !== true;
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: !closed };
  }

  private items(node: JoiNode, path: string): JsonSchema {
    const items = (node.items ?? []).map((item, index) => this.node(item, `${path}[${index}]`));
    if (items.length === 0) return {};
    return { items: items.length === 1 ? items[0] : { anyOf: items } };
  }

  /** `try()` takes the first match, so anyOf (not oneOf) says the same. */
  private alternatives(node: JoiNode, path: string): JsonSchema {
    const anyOf = (node.matches ?? []).map((match, index) => {
      if (!match.schema || Object.keys(match).length > 1) throw new UnsupportedJoiError(path, 'conditional alternatives');
      return this.node(match.schema, `${path}|${index}`);
    });
    return { anyOf };
  }

  private className(node: JoiNode, path: string): string | undefined {
    let name: string | undefined;
    for (const meta of node.metas ?? []) {
      const { className, ...other } = meta;
      if (Object.keys(other).length > 0 || typeof className !== 'string') throw new UnsupportedJoiError(path, `meta ${JSON.stringify(meta)}`);
      name = className;
    }
    return name;
  }
}

function withoutUseSiteFlags(flags: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(flags ?? {}).filter(([flag]) => !USE_SITE_FLAGS.has(flag)));
}


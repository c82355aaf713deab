/** A JSON Schema of draft 2020-12, the dialect of OpenAPI 3.1. */
export type JsonSchema = { [keyword: string]: unknown };

export interface JoiRule {
  name: string;
  args?: Record<string, unknown>;
}

/** A Joi schema's `describe()` output, as far as the converter reads it. */
export interface JoiNode {
  type: string;
  flags?: Record<string, unknown>;
  rules?: JoiRule[];
  keys?: Record<string, JoiNode>;
  items?: JoiNode[];
  matches?: Array<Record<string, unknown> & { schema?: JoiNode }>;
  allow?: unknown[];
  metas?: Array<Record<string, unknown>>;
}

/** A Joi construct the converter cannot express, named by its path in the schema. */
export class UnsupportedJoiError extends Error {
  constructor(path: string, what: string) {
    super(`${path}: ${what} has no JSON Schema translation here; extend src/openapi/joi-json-schema.ts`);
  }
}

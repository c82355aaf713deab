import Joi from 'joi';

/**
 * One environment variable: its Joi rule and, as a phantom type, what parsing yields. An app's
 * schema is a record of these, so its configuration type is inferred from the schema itself
 * (`EnvOf<typeof schema>`) instead of being declared a second time.
 */
export interface EnvField<T> {
  readonly schema: Joi.Schema;
  /** Never set; carries T for EnvOf. */
  readonly __type?: T;
}

export type EnvFields = Record<string, EnvField<unknown>>;

/** The parsed environment of a schema. */
export type EnvOf<F extends EnvFields> = { readonly [K in keyof F]: F[K] extends EnvField<infer T> ? T : never };

/** A variable that always has a value after parsing (a default, or required). */
export function field<T>(schema: Joi.Schema): EnvField<T> {
  return { schema };
}

/** A variable that may be absent. */
export function optionalField<T>(schema: Joi.Schema): EnvField<T | undefined> {
  return { schema };
}

/** The same variable, refused when absent. */
export function required<T>(variable: EnvField<T | undefined>): EnvField<Exclude<T, undefined>> {
  return { schema: variable.schema.required() };
}

/** The same variable, allowed to be absent (for a variable that is otherwise required). */
export function optional<T>(variable: EnvField<T>): EnvField<T | undefined> {
  return { schema: variable.schema.optional() };
}

export function envSchema<F extends EnvFields>(fields: F): Joi.ObjectSchema<EnvOf<F>> {
  return Joi.object(Object.fromEntries(Object.entries(fields).map(([name, variable]) => [name, variable.schema]))) as Joi.ObjectSchema<EnvOf<F>>;
}

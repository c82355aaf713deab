import { InvalidInputError, PageNotFoundError } from './console-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A tenant id from the path; anything that is not a UUID names no tenant. */
export function tenantIdParam(value: string | undefined): string {
  if (!value || !UUID.test(value)) throw new PageNotFoundError('No such tenant');
  return value.toLowerCase();
}

/** A query-string value given once, or undefined; repeated or empty values are refused or ignored. */
export function queryValue(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`${name} must be given once`);
  return value;
}

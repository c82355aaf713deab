import Joi from 'joi';
import { isPlatform } from '@attribution/destinations';
import type { StuckDeliveryFilter } from '@attribution/db';
import { InvalidInputError } from '../http/console-errors';

/** The filter form's fields, as the query string carries them. */
export interface StuckQuery {
  status?: 'dead' | 'parked';
  destination?: string;
  reason?: string;
  since?: string;
  until?: string;
}

// datetime-local inputs send "2026-12-03T14:05" (no zone): read as UTC, as the pages show times.
const moment = Joi.string().pattern(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z)?$/).messages({ 'string.pattern.base': '{{#label}} must be a date and time such as 2026-12-03T14:05' });

const schema = Joi.object<StuckQuery>({
  status: Joi.string().valid('dead', 'parked').empty(''),
  destination: Joi.string().max(64).empty('').custom((value: string, helpers) => (isPlatform(value) ? value : helpers.message({ custom: '{{#label}} must be a platform of the registry' }))),
  reason: Joi.string().max(200).empty(''),
  since: moment.empty(''),
  until: moment.empty(''),
}).options({ stripUnknown: true, abortEarly: false, errors: { wrap: { label: false } } });

function toDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value.endsWith('Z') ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The query string of the dead-letter page as a tenant-scoped filter; a bad field is a 400 naming it. */
export function stuckFilter(tenantId: string, query: unknown): { filter: StuckDeliveryFilter; form: StuckQuery } {
  const { value, error } = schema.validate(query);
  if (error) throw new InvalidInputError(error.details.map((d) => d.message.replace(/ with value .*$/, '')).join('; '));
  const since = toDate(value.since);
  const until = toDate(value.until);
  return {
    form: value,
    filter: {
      tenantId,
      statuses: value.status ? [value.status] : ['dead', 'parked'],
      ...(value.destination ? { destination: value.destination } : {}),
      ...(value.reason ? { reason: value.reason } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    },
  };
}

const MAX_SELECTED = 500;

/** The deliveries a replay form selected (`id` fields): database ids only, at most 500. */
export function selectedIds(body: unknown): bigint[] {
  const raw = (body as Record<string, unknown> | undefined)?.['id'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new InvalidInputError('Select at least one delivery to replay');
  if (list.length > MAX_SELECTED) throw new InvalidInputError(`Select at most ${MAX_SELECTED} deliveries at once`);
  if (!list.every((id) => typeof id === 'string' && /^\d{1,18}$/.test(id))) throw new InvalidInputError('id must be a delivery id');
  return [...new Set(list as string[])].map((id) => BigInt(id));
}

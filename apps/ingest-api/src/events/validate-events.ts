import Joi from 'joi';
import {
  describeJoiProblem,
  EventBatchSchema,
  EventSchema,
  JOI_MESSAGE_OPTIONS,
  MAX_CUSTOM_DATA_BYTES,
  MAX_EVENT_AGE_SECONDS,
  MAX_EVENT_FUTURE_SECONDS,
  type TrackedEvent,
} from '@attribution/core';
import { ValidationFailedError, type FieldProblem } from './validation-errors';
import { scanBody } from './scan-body';

/** What a request body is validated against; the OpenAPI document is converted from these. */
export const REQUEST_SCHEMAS = { single: EventSchema, batch: EventBatchSchema };

export const VALIDATION_OPTIONS: Joi.ValidationOptions = { abortEarly: false, convert: true, errors: JOI_MESSAGE_OPTIONS };
// The options bound to the schemas once: Joi would otherwise merge them into its defaults on
// every call (about 5% of validation's CPU). Same schemas, same messages.
const SINGLE = REQUEST_SCHEMAS.single.prefs(VALIDATION_OPTIONS);
const BATCH = REQUEST_SCHEMAS.batch.prefs(VALIDATION_OPTIONS);

/**
 * Accepts one event or `{ events: [...] }` and returns events with defaults applied, or throws
 * with every problem by event index and field path. The whole request is rejected when any
 * event is invalid, so a client never has to work out which half of its batch was stored.
 */
export function validateEvents(body: unknown, nowSeconds: number): TrackedEvent[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailedError([{ index: 0, field: '', message: 'body must be a JSON object' }]);
  }
  const unstorable = scanBody(body);
  if (unstorable) throw new ValidationFailedError([unstorable]);
  const isBatch = 'events' in body;
  const { value, error } = (isBatch ? BATCH : SINGLE).validate(body);
  if (error) {
    throw new ValidationFailedError(error.details.map((d) => toProblem(d.path, describeJoiProblem(d), isBatch)));
  }
  const events: TrackedEvent[] = isBatch ? (value as { events: TrackedEvent[] }).events : [value as TrackedEvent];
  const problems = events.flatMap((event, index) => semanticProblems(event, index, nowSeconds));
  if (problems.length > 0) throw new ValidationFailedError(problems);
  return events;
}

function semanticProblems(event: TrackedEvent, index: number, now: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (event.event_time > now + MAX_EVENT_FUTURE_SECONDS) {
    problems.push({ index, field: 'event_time', message: 'is in the future (expected unix seconds, not milliseconds)' });
  } else if (event.event_time < now - MAX_EVENT_AGE_SECONDS) {
    problems.push({ index, field: 'event_time', message: 'is older than 7 days, which the ad platforms refuse' });
  }
  if (Buffer.byteLength(JSON.stringify(event.custom_data ?? {})) > MAX_CUSTOM_DATA_BYTES) {
    problems.push({ index, field: 'custom_data', message: `must be at most ${MAX_CUSTOM_DATA_BYTES} bytes as JSON` });
  }
  return problems;
}

function toProblem(path: Array<string | number>, message: string, isBatch: boolean): FieldProblem {
  if (isBatch && path[0] === 'events' && typeof path[1] === 'number') {
    return { index: path[1], field: path.slice(2).join('.'), message };
  }
  return { index: 0, field: path.join('.'), message };
}

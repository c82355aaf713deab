/**
 * Policy of the retry queue kept in localStorage: what to keep, and what a response means for
 * the events it answered.
 */

export interface QueuedEvent {
  event_id: string;
  event_time: number;
}

/** Enough for a burst on a flaky connection without filling the site's storage. */
export const MAX_QUEUED_EVENTS = 50;
/** The API refuses events older than 7 days; the hour of margin covers clock drift. */
export const MAX_EVENT_AGE_SECONDS = 7 * 24 * 3600 - 3600;

/**
 * The queue to keep: events recent enough for the API (stored entries may be anything), at most
 * the newest MAX_QUEUED_EVENTS.
 */
export function boundQueue<T extends QueuedEvent>(events: readonly T[], nowMs: number): T[] {
  return events.filter((event) => event && event.event_time > nowMs / 1000 - MAX_EVENT_AGE_SECONDS).slice(-MAX_QUEUED_EVENTS);
}

/**
 * Whether a response settles the events it answered, so they leave the queue: accepted (2xx,
 * duplicates included), or refused for good (400, 401, 403, 413, 415...). No response at all
 * (`status` 0), 429 and 5xx leave them queued for a later attempt: the API is idempotent on
 * event_id, so resending is safe.
 */
export function settles(status: number): boolean {
  return status > 0 && status !== 429 && status < 500;
}

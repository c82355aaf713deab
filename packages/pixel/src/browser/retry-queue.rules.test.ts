import { boundQueue, MAX_EVENT_AGE_SECONDS, MAX_QUEUED_EVENTS, settles, type QueuedEvent } from './retry-queue.rules';

const NOW_MS = 1795000000000;
const NOW_S = NOW_MS / 1000;
const event = (id: number, ageSeconds = 0): QueuedEvent => ({ event_id: `e${id}`, event_time: NOW_S - ageSeconds });

describe('boundQueue', () => {
  it('keeps the newest MAX_QUEUED_EVENTS events, in order', () => {
    const events = Array.from({ length: 60 }, (_, i) => event(i));
    const kept = boundQueue(events, NOW_MS);
    expect(kept).toHaveLength(MAX_QUEUED_EVENTS);
    expect(kept[0]!.event_id).toBe('e10');
    expect(kept[kept.length - 1]!.event_id).toBe('e59');
  });

  it('drops events the API would refuse as older than 7 days (with an hour of margin)', () => {
    expect(MAX_EVENT_AGE_SECONDS).toBe(7 * 86400 - 3600);
    const kept = boundQueue([event(1, 7 * 86400), event(2, MAX_EVENT_AGE_SECONDS), event(3, MAX_EVENT_AGE_SECONDS - 1), event(4)], NOW_MS);
    expect(kept.map((e) => e.event_id)).toEqual(['e3', 'e4']);
  });

  it('drops what is not an event (storage may hold anything)', () => {
    const stored = [null, 'x', { event_id: 'e1' }, event(2)] as unknown as QueuedEvent[];
    expect(boundQueue(stored, NOW_MS)).toEqual([event(2)]);
  });
});

describe('settles', () => {
  it.each([200, 202, 400, 401, 403, 404, 413, 415])('drops the events on %i (accepted, or refused for good)', (status) => {
    expect(settles(status)).toBe(true);
  });

  it.each([0, 429, 500, 502, 503, 504])('keeps them queued on %i', (status) => {
    expect(settles(status)).toBe(false);
  });
});

import { boundQueue, settles, type QueuedEvent } from './retry-queue.rules';

/** localStorage key of the events not yet acknowledged by the API. */
const STORAGE_KEY = '_att_q';

let queue: QueuedEvent[] = [];
/** The batch on its way: one request at a time, so no event is in two requests at once. */
let sending: QueuedEvent[] | undefined;
let persist: boolean | undefined;
let restored: boolean | undefined;

/**
 * Queues events before they are sent, so a failed or interrupted send is retried later. Storage
 * follows consent: once allowed, the previous pages' leftovers join the queue and the queue is
 * mirrored to localStorage; until then it lives in memory only.
 */
export function enqueue(events: QueuedEvent[], storageAllowed: boolean): void {
  persist = storageAllowed;
  try {
    if (persist && !restored) events = [...JSON.parse(localStorage.getItem(STORAGE_KEY)!), ...events];
  } catch {
    // Nothing stored (null is not iterable), or storage unreadable: start afresh.
  }
  restored = restored || persist;
  queue = boundQueue([...queue, ...events], Date.now());
  save();
}

/**
 * Sends the whole queue in one request. While the page unloads, sendBeacon is the only reliable
 * channel; its outcome is unknown, so the events stay queued and the next page resends them (the
 * API ignores a duplicate event_id).
 */
export function flush(url: URL, unloading?: boolean): void {
  const batch = queue;
  const body = JSON.stringify({ events: batch });
  if (!batch.length) return;
  if (unloading) navigator.sendBeacon(url, body);
  // A string body goes as text/plain, which keeps the request "simple": no CORS preflight.
  // keepalive lets the request outlive the page, but browsers refuse it above 64 KB.
  else if (!sending) {
    sending = batch;
    fetch(url, { method: 'POST', keepalive: body.length < 6e4, body })
      .then((response) => response.status, () => 0)
      .then((status) => {
        sending = undefined;
        if (!settles(status)) return;
        queue = queue.filter((event) => !batch.includes(event));
        save();
        flush(url);
      });
  }
}

function save(): void {
  try {
    if (persist) localStorage.setItem(STORAGE_KEY, JSON.stringify(queue));
  } catch {
    // Private modes and full quotas throw; the queue still works for this page.
  }
}

// The import order sets the order of the modules in the bundle, which its gzip size depends on
// (by a few bytes, against a budget; see docs/pixel.md): keep it unless the build shows better.
import { consentMode, storageAllowed, type ConsentPolicy, type TcData } from './consent.rules';
import { identifiers, newId } from './identifiers';
import { enqueue, flush } from './delivery';
import type { QueuedEvent } from './retry-queue.rules';

/** Set by scripts/build.js: the published version this file is built as. */
declare const PIXEL_VERSION: string;

interface InitOptions {
  key: string;
  endpoint?: string;
  consent?: ConsentPolicy;
  pageView?: boolean;
}

type PixelEvent = QueuedEvent & { user_data?: object };
type Api = ((command: string, ...args: unknown[]) => unknown) & { q?: unknown[][]; version?: string };

declare global {
  interface Window {
    attribution?: Api;
    dataLayer?: unknown;
    __tcfapi?: (command: 'addEventListener', version: 2, callback: (data: TcData, success: boolean) => void) => void;
  }
}

// The default endpoint is the script's own origin; currentScript is only set while the script runs.
const script = document.currentScript as HTMLScriptElement | null;
const referrer = document.referrer;

let options: InitOptions | undefined;
let url: URL;
let tcf: TcData | undefined;
let waitingForTcf: boolean | undefined;
let unloading: boolean | undefined;
const consentCalls: unknown[] = [];
/** Tracked events still missing their consent and identifiers (known once the CMP has answered). */
let pending: PixelEvent[] = [];

/** The API refuses other schemes and longer URLs, and the whole event with them. */
const httpUrl = (value: string): string | undefined => (/^https?:/.test(value) && value.length < 2049 ? value : undefined);

/** A missing key is not checked here: the API's 401 shows the mistake in the browser's network panel. */
function init(initOptions: InitOptions): void {
  if (options) return;
  // Public keys are URL-safe (`pk_` and base64url), so the key needs no encoding. Without a script
  // src (an inlined copy) or an endpoint, the page's own origin is used.
  url = new URL('/v1/events?key=' + initOptions.key, initOptions.endpoint || (script && script.src) || location.href);
  options = initOptions;
  // The PageView waits up to 500 ms for the CMP's first answer, so that it carries the consent.
  // The CMP answers again after each choice of the visitor, and may answer synchronously. The
  // timer and the PageView come first so that a CMP throwing here cannot lose or hold them.
  const ready = (): void => {
    waitingForTcf = false;
    pump();
  };
  const tcfApi = window.__tcfapi;
  waitingForTcf = !!tcfApi;
  setTimeout(ready, 500);
  if (initOptions.pageView !== false) track('PageView');
  else pump();
  if (tcfApi) {
    tcfApi('addEventListener', 2, (data, success) => {
      if (success) {
        tcf = data;
        ready();
      }
    });
  }
}

/** Returns the event_id, for the site's browser Meta pixel (`eventID`) so that Meta deduplicates. */
function track(eventName: string, customData?: object, userData?: object, trackOptions?: { eventId?: string }): string {
  const eventId = (trackOptions && trackOptions.eventId) || newId();
  // action_source is left to the API, whose default is 'website'.
  pending.push({
    event_id: eventId,
    event_name: eventName,
    event_time: Math.floor(Date.now() / 1000),
    event_source_url: httpUrl(location.href),
    custom_data: customData,
    user_data: userData,
  } as PixelEvent);
  pump();
  return eventId;
}

/**
 * Runs after every signal and event, and when the page is hidden or left (so a consent given
 * through gtag is acted on by then at the latest): writes the cookies once consent allows,
 * completes the pending events with consent and identifiers, sends. Never throws.
 */
function pump(): void {
  try {
    if (!options || (waitingForTcf && !unloading)) return;
    const consent: Record<string, unknown> = consentMode(window.dataLayer, consentCalls);
    const allowed = storageAllowed(options.consent, consent, tcf);
    const user = {};
    const context = { page_referrer: httpUrl(referrer), library: 'tracking.js/' + PIXEL_VERSION };
    try {
      identifiers(allowed, user, context);
    } catch {
      // document.cookie throws in sandboxed frames: the events go without identifiers.
    }
    // CMPs answer '' where the GDPR does not apply; the API refuses an empty TC string.
    if (tcf && tcf.tcString) consent['tcf_string'] = tcf.tcString;
    enqueue(
      pending.map((event) => ({ ...event, user_data: { ...user, ...event.user_data }, consent, context })),
      allowed,
    );
    pending = [];
    flush(url, unloading);
  } catch {
    // Never break the host page; what is queued is retried on the next call or page.
  }
}

const commands: Record<string, (...args: never[]) => unknown> = {
  init,
  track,
  consent(state: unknown) {
    consentCalls.push(state);
    pump();
  },
};
const stub = window.attribution;
// A second copy of the script must not replace the running one (and lose its init).
if (!stub || !stub.version) {
  const api: Api = (command, ...args) => {
    try {
      return (commands[command] as (...a: unknown[]) => unknown)(...args);
    } catch {
      // An unknown command or a bad argument must not break the host page.
    }
  };
  api.version = PIXEL_VERSION;
  window.attribution = api;
  for (const call of (stub && stub.q) || []) api(...(call as [string, ...unknown[]]));
  // Fired when the page is left, closed or put in the background, in every current browser (and
  // before pagehide, which would only beacon the same events a second time). pump() beacons then.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      unloading = true;
      pump();
      unloading = false;
    }
  });
}

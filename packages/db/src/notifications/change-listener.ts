import { Client } from 'pg';
import { toDbError } from '../client/db-errors';

export const CHANGES_CHANNEL = 'attribution_changes';

export interface ChangeNotice {
  table: 'tenants' | 'api_keys' | 'destinations';
  tenantId: string | null;
  keyHash: string | null;
}

export interface ChangeListenerOptions {
  onChange: (notice: ChangeNotice) => void;
  /**
   * Called after every (re)connection: notices sent while we were disconnected are lost, so
   * whoever caches must drop everything here.
   */
  onResync: () => void;
  onError?: (error: Error) => void;
  maxBackoffMs?: number;
}

export interface ChangeListener {
  /** Resolves once the first LISTEN is in place; rejects if that first attempt fails (fail fast at boot). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Holds one dedicated connection LISTENing on the changes channel (fed by the triggers of the
 * change_notifications migration) and reconnects with backoff when it drops.
 */
export function listenForChanges(databaseUrl: string, options: ChangeListenerOptions): ChangeListener {
  let client: Client | undefined;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));

  const connect = async (): Promise<void> => {
    if (closed) return;
    // Bounded, so an unreachable server fails the boot (or the reconnect) in seconds, not at the OS's TCP timeout.
    const next = new Client({ connectionString: databaseUrl, application_name: 'attribution-change-listener', connectionTimeoutMillis: 10_000 });
    next.on('notification', (message) => {
      const notice = parseNotice(message.payload);
      if (notice) options.onChange(notice);
    });
    next.on('error', (error) => options.onError?.(error));
    next.on('end', () => {
      if (client === next && !closed) schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (closed) return void (await next.end().catch(() => undefined));
      client = next;
      failures = 0;
      started = true;
      options.onResync();
      settle?.resolve();
    } catch (error) {
      await next.end().catch(() => undefined);
      if (!started) {
        closed = true;
        return settle?.reject(toDbError(error) as Error);
      }
      options.onError?.(error as Error);
      schedule();
    }
  };

  const schedule = () => {
    client = undefined;
    failures += 1;
    const delay = Math.min(options.maxBackoffMs ?? 5_000, 100 * 2 ** failures);
    timer = setTimeout(() => void connect(), delay);
    timer.unref();
  };

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
}

function parseNotice(payload: string | undefined): ChangeNotice | null {
  try {
    const raw = JSON.parse(payload ?? '') as { table?: string; tenant_id?: string | null; key_hash?: string | null };
    if (raw.table !== 'tenants' && raw.table !== 'api_keys' && raw.table !== 'destinations') return null;
    return { table: raw.table, tenantId: raw.tenant_id ?? null, keyHash: raw.key_hash ?? null };
  } catch {
    return null;
  }
}

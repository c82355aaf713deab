import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  tenantId?: string | null;
  traceId?: string | null;
}

const storage = new AsyncLocalStorage<LogContext>();
let traceIdSource: (() => string | undefined) | undefined;

/** Runs `fn` with tenant and trace attached to every log line written inside it. */
export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, fn);
}

/** Adds fields to the current context (e.g. the tenant, once the API key is resolved). */
export function setLogContext(context: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, context);
}

/** Tracing registers the active span's trace id here, so the logger never imports tracing. */
export function setTraceIdSource(source: (() => string | undefined) | undefined): void {
  traceIdSource = source;
}

export function currentLogContext(): { tenant_id: string | null; trace_id: string | null } {
  const store = storage.getStore();
  return {
    tenant_id: store?.tenantId ?? null,
    trace_id: store?.traceId ?? traceIdSource?.() ?? null,
  };
}

import { context, createContextKey, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

export interface LogContext {
  tenantId?: string | null;
  traceId?: string | null;
}

const LOG_CONTEXT = createContextKey('attribution log context');

/**
 * The log context travels inside OpenTelemetry's context, so the process has one
 * AsyncLocalStorage whether tracing is on or off. On Node 20 every AsyncLocalStorage in use
 * costs a store copy on every promise; a second one for traces cost the ingest-api several per
 * cent of its throughput (docs/benchmarks.md). The manager is installed here, at import, so logs
 * keep their context with tracing off too, and startTracing hands the same one to the SDK.
 */
export const processContextManager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(processContextManager);

let traceIdSource: (() => string | undefined) | undefined;

const activeFields = (): LogContext | undefined => context.active().getValue(LOG_CONTEXT) as LogContext | undefined;

/** `base` with log fields added to those it carries, for a caller that enters a context anyway. */
export function withLogContext(base: Context, fields: LogContext): Context {
  return base.setValue(LOG_CONTEXT, { ...(base.getValue(LOG_CONTEXT) as LogContext | undefined), ...fields });
}

/** Runs `fn` with tenant and trace attached to every log line written inside it. */
export function runWithLogContext<T>(fields: LogContext, fn: () => T): T {
  return context.with(withLogContext(context.active(), fields), fn);
}

/** Adds fields to the current context (e.g. the tenant, once the API key is resolved). */
export function setLogContext(fields: LogContext): void {
  const current = activeFields();
  if (current) Object.assign(current, fields);
}

/** Tracing registers the active span's trace id here, so the logger never imports tracing. */
export function setTraceIdSource(source: (() => string | undefined) | undefined): void {
  traceIdSource = source;
}

export function currentLogContext(): { tenant_id: string | null; trace_id: string | null } {
  const current = activeFields();
  return {
    tenant_id: current?.tenantId ?? null,
    trace_id: current?.traceId ?? traceIdSource?.() ?? null,
  };
}

export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'unavailable'>;
}

/** Runs every dependency probe concurrently; one failing probe makes the service not ready. */
export async function checkReadiness(checks: Record<string, ReadinessCheck>, stopping: boolean): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await check();
        return [name, 'ok'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      }
    }),
  );
  return { ready: !stopping && entries.every(([, state]) => state === 'ok'), checks: Object.fromEntries(entries) };
}

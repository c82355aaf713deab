/**
 * Waits for a condition that has no event to await (a row written by another process). Each
 * probe is bounded and the overall wait has a deadline, so a broken pipeline fails fast and says
 * what it was waiting for.
 */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

let counter = 0;

/** A prefix unique to this test file and run, so files can share one Kafka broker. */
export function uniqueTopicPrefix(): string {
  counter += 1;
  return `t${process.pid}-${Date.now().toString(36)}-${counter}.`;
}

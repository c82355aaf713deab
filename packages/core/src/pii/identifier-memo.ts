/**
 * One event's identifiers are normalised and hashed once per platform profile (Meta, Google,
 * Google Ads, TikTok...), and most profiles ask for the same work: the same phone parsed to
 * E.164, the same normalised e-mail hashed. Inside {@link withIdentifierMemo} each distinct piece
 * of work is done once. The memo lives only for that synchronous call and is dropped at its end,
 * so no raw identifier outlives the event it came with (a process-wide cache would keep them).
 */
let memo: Map<string, string | null> | undefined;

/** Runs `fn` with a fresh memo; nested calls share the outer one. `fn` must be synchronous. */
export function withIdentifierMemo<T>(fn: () => T): T {
  if (memo) return fn();
  memo = new Map();
  try {
    return fn();
  } finally {
    memo = undefined;
  }
}

/** `compute()` once per key inside a memo scope; outside one, every call computes. */
export function memoised(key: string, compute: () => string | null): string | null {
  if (!memo) return compute();
  const known = memo.get(key);
  if (known !== undefined) return known;
  const value = compute();
  memo.set(key, value);
  return value;
}

/** What the admin client reports of one topic: each partition and its leader (-1 or absent: none yet). */
export interface TopicLeaders {
  name: string;
  partitions: Array<{ partitionId: number; leader: number }>;
}

/** Errors a broker answers while a topic it has just created is still propagating to its metadata. */
const STILL_PROPAGATING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Waits until every partition of `topics` has a leader. KafkaJS's own `waitForLeaders` gives up
 * on the first UNKNOWN_TOPIC_OR_PARTITION, which a loaded broker answers for a moment right after
 * CreateTopics succeeded; that failed a whole test suite's setup in CI. Both answers mean "not
 * yet" here, until the deadline.
 */
export async function awaitTopicLeaders(
  fetchLeaders: (topics: string[]) => Promise<TopicLeaders[]>,
  topics: string[],
  options: { timeoutMs: number; intervalMs?: number; now?: () => number },
): Promise<void> {
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const answered = new Map((await fetchLeaders(topics)).map((t) => [t.name, t.partitions]));
      const leaderless = topics.filter((name) => {
        const partitions = answered.get(name) ?? [];
        return partitions.length === 0 || partitions.some((p) => p.leader < 0);
      });
      if (leaderless.length === 0) return;
      last = `no leader yet for ${leaderless.join(', ')}`;
    } catch (error) {
      if (!STILL_PROPAGATING.has((error as { type?: string }).type ?? '')) throw error;
      last = (error as Error).message;
    }
    if (now() >= deadline) throw new Error(`topics ${topics.join(', ')} have no leaders after ${options.timeoutMs} ms: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

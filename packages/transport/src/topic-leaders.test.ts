import { awaitTopicLeaders, type TopicLeaders } from './topic-leaders';

const protocolError = (type: string) => Object.assign(new Error(`broker says ${type}`), { type });
const led = (name: string): TopicLeaders => ({ name, partitions: [{ partitionId: 0, leader: 1 }, { partitionId: 1, leader: 1 }] });

describe('awaitTopicLeaders', () => {
  it('keeps asking while the broker does not know the new topic yet, and returns once every partition has a leader', async () => {
    const answers: Array<() => TopicLeaders[]> = [
      () => {
        throw protocolError('UNKNOWN_TOPIC_OR_PARTITION');
      },
      () => {
        throw protocolError('LEADER_NOT_AVAILABLE');
      },
      () => [{ name: 'a', partitions: [{ partitionId: 0, leader: -1 }] }, led('b')],
      () => [led('a')],
      () => [led('a'), led('b')],
    ];
    let calls = 0;
    await awaitTopicLeaders(async () => answers[calls++]!(), ['a', 'b'], { timeoutMs: 5_000, intervalMs: 1 });
    expect(calls).toBe(5);
  });

  it('fails at once on any other broker error', async () => {
    const fetch = jest.fn(async () => {
      throw protocolError('TOPIC_AUTHORIZATION_FAILED');
    });
    await expect(awaitTopicLeaders(fetch, ['a'], { timeoutMs: 5_000, intervalMs: 1 })).rejects.toThrow('TOPIC_AUTHORIZATION_FAILED');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('gives up at the deadline, saying which topic has no leader', async () => {
    let clock = 0;
    const fetch = async () => {
      clock += 1_000;
      return [led('a'), { name: 'b', partitions: [] }];
    };
    await expect(awaitTopicLeaders(fetch, ['a', 'b'], { timeoutMs: 3_000, intervalMs: 1, now: () => clock })).rejects.toThrow(
      'topics a, b have no leaders after 3000 ms: no leader yet for b',
    );
  });
});

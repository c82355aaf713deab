import { RequestLimiter } from './google-ads.limiter';

/** A fake clock: sleeping advances it, nothing really waits. */
function fakeClock() {
  const clock = { t: 0, slept: [] as number[], now: () => clock.t, sleep: async (ms: number) => void (clock.slept.push(ms), (clock.t += ms)) };
  return clock;
}

describe('RequestLimiter', () => {
  it('lets a burst of a tenth of the per-minute rate through, then spaces requests 60 s / rate apart', async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(clock);
    for (let i = 0; i < 30; i += 1) await expect(limiter.acquire('t', 300, 10_000)).resolves.toBe(true);
    expect(clock.slept).toEqual([]);
    await expect(limiter.acquire('t', 300, 10_000)).resolves.toBe(true);
    await expect(limiter.acquire('t', 300, 10_000)).resolves.toBe(true);
    expect(clock.slept).toEqual([200, 200]);
  });

  it('refuses a slot further away than the bound, without reserving it', async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(clock);
    await limiter.acquire('t', 1, 1000);
    await expect(limiter.acquire('t', 1, 1000)).resolves.toBe(false);
    clock.t += 60_000;
    await expect(limiter.acquire('t', 1, 1000)).resolves.toBe(true);
  });

  it('keeps one bucket per destination', async () => {
    const clock = fakeClock();
    const limiter = new RequestLimiter(clock);
    await limiter.acquire('a', 1, 0);
    await expect(limiter.acquire('a', 1, 0)).resolves.toBe(false);
    await expect(limiter.acquire('b', 1, 0)).resolves.toBe(true);
  });

  it('queues concurrent callers in order, each on its own slot', async () => {
    // All four reserve at the same instant (this sleep does not move the clock).
    const clock = fakeClock();
    clock.sleep = async (ms: number) => void clock.slept.push(ms);
    const limiter = new RequestLimiter(clock);
    const results = await Promise.all(Array.from({ length: 4 }, () => limiter.acquire('t', 6, 50_000)));
    expect(results).toEqual([true, true, true, true]);
    expect(clock.slept).toEqual([10_000, 20_000, 30_000]);
  });
});

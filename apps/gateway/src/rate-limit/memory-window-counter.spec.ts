import fc from 'fast-check';
import { MemoryWindowCounter } from './memory-window-counter.js';

describe('MemoryWindowCounter', () => {
  it('counts hits per key in a window that starts at the key’s first hit', async () => {
    let now = 1_000;
    const counter = new MemoryWindowCounter(() => now);
    expect(await counter.hit('a', 60_000)).toEqual({ hits: 1, msToReset: 60_000 });
    now += 20_000;
    expect(await counter.hit('a', 60_000)).toEqual({ hits: 2, msToReset: 40_000 });
    expect(await counter.hit('b', 60_000)).toEqual({ hits: 1, msToReset: 60_000 });
    now += 40_000; // a's window has ended
    expect(await counter.hit('a', 60_000)).toEqual({ hits: 1, msToReset: 60_000 });
  });

  it('counts exactly the hits since the window started, whatever the timing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 30_000 }), { maxLength: 60 }), async (gaps) => {
        let now = 0;
        const counter = new MemoryWindowCounter(() => now);
        let windowStart = 0;
        let expected = 0;
        for (const [i, gap] of gaps.entries()) {
          now += gap;
          if (i === 0 || now >= windowStart + 60_000) [windowStart, expected] = [now, 0];
          expected++;
          expect(await counter.hit('k', 60_000)).toEqual({ hits: expected, msToReset: windowStart + 60_000 - now });
        }
      }),
    );
  });

  it('forgets keys whose window ended, so memory holds only recent ones', async () => {
    let now = 0;
    const counter = new MemoryWindowCounter(() => now);
    for (let i = 0; i < 100; i++) await counter.hit(`client-${i}`, 60_000);
    now += 120_000;
    await counter.hit('latest', 60_000);
    expect(counter.size).toBe(1);
  });
});

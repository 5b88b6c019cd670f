import { ConsumerDelay } from './consumer-delay.js';

describe('ConsumerDelay', () => {
  const now = 1_000_000;

  it('is the median delay of the messages handled in the last two seconds, and 0 with too few', () => {
    const delay = new ConsumerDelay();
    expect(delay.currentMs(now)).toBe(0);
    delay.observe(5_000, now - 100);
    delay.observe(4_000, now - 50);
    expect(delay.currentMs(now)).toBe(0); // two handlings say nothing yet
    delay.observe(10, now - 10);
    delay.observe(6_000, now);
    delay.observe(20, now);
    expect(delay.currentMs(now)).toBe(4_000); // one slow outlier would not do it; most being late does
    expect(delay.currentMs(now + 2_500)).toBe(0); // quiet since: nothing to go by
  });

  it('forgets the oldest handlings past its sample size', () => {
    const delay = new ConsumerDelay();
    for (let i = 0; i < 64; i++) delay.observe(9_000, now);
    for (let i = 0; i < 64; i++) delay.observe(100, now);
    expect(delay.currentMs(now)).toBe(100);
  });
});

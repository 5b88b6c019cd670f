/** How many recent handlings the estimate looks at, and how recent they must be. */
const SAMPLES = 64;
const WINDOW_MS = 2_000;
/** Fewer handlings than this in the window say nothing about a backlog (an idle or quiet consumer). */
const MIN_SAMPLES = 3;

/**
 * How far behind this process's consumers run: the median time, over the messages handled in the last
 * two seconds, from a message's `occurredAt` (its state change committed) to this process having handled
 * it. Only messages written after the consumer began reading their partition count, so a restart's
 * catch-up on old messages is not taken for a backlog. 0 when too few were handled to tell. Used to
 * refuse new work at the door while the pipeline behind it is behind (booking-svc's intake,
 * docs/back-pressure.md).
 */
export class ConsumerDelay {
  private readonly at = new Float64Array(SAMPLES);
  private readonly delayMs = new Float64Array(SAMPLES);
  private next = 0;

  observe(delayMs: number, now = Date.now()): void {
    this.at[this.next] = now;
    this.delayMs[this.next] = Math.max(0, delayMs);
    this.next = (this.next + 1) % SAMPLES;
  }

  /** The median delay of the recent handlings, in ms. */
  currentMs(now = Date.now()): number {
    const recent: number[] = [];
    for (let i = 0; i < SAMPLES; i++) if (this.at[i]! > 0 && now - this.at[i]! <= WINDOW_MS) recent.push(this.delayMs[i]!);
    if (recent.length < MIN_SAMPLES) return 0;
    recent.sort((a, b) => a - b);
    return recent[Math.floor(recent.length / 2)]!;
  }
}

/** This process's consumers, together (every group it runs). */
export const consumerDelay = new ConsumerDelay();

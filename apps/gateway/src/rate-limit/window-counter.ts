/** Hits of one key in its current fixed window, and how long until that window ends. */
export interface WindowCount {
  hits: number;
  msToReset: number;
}

/** Counts hits per key in fixed windows that start at a key's first hit. */
export interface WindowCounter {
  hit(key: string, windowMs: number): Promise<WindowCount>;
}

/** Why a check was counted in memory rather than in Redis. */
export type FallbackReason = 'unavailable' | 'timeout' | 'error';
export const FALLBACK_REASONS: readonly FallbackReason[] = ['unavailable', 'timeout', 'error'];

/** A counter shared by every replica, which can be down. */
export interface SharedWindowCounter extends WindowCounter {
  /** Connected and ready: worth asking. */
  readonly available: boolean;
}

/** A shared counter's failure, with its reason. */
export class SharedCounterFailure extends Error {
  constructor(readonly reason: FallbackReason) {
    super(`shared rate-limit counter failed: ${reason}`);
    this.name = 'SharedCounterFailure';
  }
}

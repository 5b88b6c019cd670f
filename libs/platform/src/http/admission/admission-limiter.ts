/** How much work one process accepts: places to work on requests, and a bounded wait for one. */
export interface AdmissionLimits {
  /** Requests worked on at once. */
  maxInFlight: number;
  /** Requests that may wait for a place; one more is refused at once. */
  maxQueueLength: number;
  /** Longest wait for a place before the request is refused. */
  maxQueueWaitMs: number;
}

/** Why a request got no place: the queue was full, its wait ran out, or its caller left while it waited. */
export type AdmissionRefusal = 'queue_full' | 'queue_timeout' | 'caller_gone';

export type Admission = { admitted: true; release: () => void } | { admitted: false; reason: AdmissionRefusal };

interface Waiter {
  admit(): void;
}

/**
 * A bounded number of places with a bounded, first-come-first-served wait for one. A request either
 * gets a place (and must release it exactly once; releasing twice is harmless), or is refused: at
 * once when the queue is full, after `maxQueueWaitMs` at the latest otherwise. Plain TypeScript with
 * no HTTP in it, so the same limiter serves every service (admission-control.ts puts it on Fastify).
 */
export class AdmissionLimiter {
  private inFlight = 0;
  private readonly queue = new Set<Waiter>();

  constructor(readonly limits: AdmissionLimits) {}

  get running(): number {
    return this.inFlight;
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** A place now, a place later (in arrival order), or a refusal; `signal` aborting gives up the wait. */
  acquire(signal?: AbortSignal): Promise<Admission> {
    if (signal?.aborted) return Promise.resolve(refused('caller_gone'));
    if (this.inFlight < this.limits.maxInFlight && this.queue.size === 0) return Promise.resolve(this.admit());
    if (this.queue.size >= this.limits.maxQueueLength || this.limits.maxQueueWaitMs <= 0) return Promise.resolve(refused('queue_full'));
    return new Promise<Admission>((resolve) => {
      const leave = (answer: () => Admission) => {
        this.queue.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(answer());
      };
      const waiter: Waiter = { admit: () => leave(() => this.admit()) };
      const timer = setTimeout(() => leave(() => refused('queue_timeout')), this.limits.maxQueueWaitMs);
      const onAbort = () => leave(() => refused('caller_gone'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.add(waiter);
    });
  }

  private admit(): Admission {
    this.inFlight++;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.admitNext();
      },
    };
  }

  private admitNext(): void {
    const first = this.queue.values().next();
    if (!first.done && this.inFlight < this.limits.maxInFlight) first.value.admit();
  }
}

function refused(reason: AdmissionRefusal): Admission {
  return { admitted: false, reason };
}

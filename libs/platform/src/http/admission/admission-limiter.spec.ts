import { jest } from '@jest/globals';
import fc from 'fast-check';
import { type Admission, AdmissionLimiter, type AdmissionLimits } from './admission-limiter.js';

interface Tracked {
  arrivedAt: number;
  leave: AbortController;
  answer?: Admission;
  answeredAt?: number;
  released?: boolean;
}

/** Lets settled promises run their callbacks at the current (fake) time. */
const settle = () => jest.advanceTimersByTimeAsync(0);

function track(limiter: AdmissionLimiter): Tracked {
  const request: Tracked = { arrivedAt: Date.now(), leave: new AbortController() };
  void limiter.acquire(request.leave.signal).then((answer) => {
    request.answer = answer;
    request.answeredAt = Date.now();
  });
  return request;
}

const release = (request: Tracked) => {
  if (request.answer?.admitted) request.answer.release();
  request.released = true;
};

describe('AdmissionLimiter', () => {
  const limits: AdmissionLimits = { maxInFlight: 2, maxQueueLength: 1, maxQueueWaitMs: 1000 };

  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('admits at once while places are free and refuses at once when the queue is full', async () => {
    const limiter = new AdmissionLimiter(limits);
    const [first, second, third, fourth] = [track(limiter), track(limiter), track(limiter), track(limiter)];
    await settle();
    expect([first, second].map((r) => r.answer?.admitted)).toEqual([true, true]);
    expect(third.answer).toBeUndefined(); // waiting
    expect(fourth).toMatchObject({ answer: { admitted: false, reason: 'queue_full' }, answeredAt: 0 });
    expect({ running: limiter.running, waiting: limiter.waiting }).toEqual({ running: 2, waiting: 1 });
  });

  it('hands a freed place to the request that waited longest', async () => {
    const limiter = new AdmissionLimiter({ ...limits, maxQueueLength: 2 });
    const [first, , third, fourth] = [track(limiter), track(limiter), track(limiter), track(limiter)];
    await settle();
    release(first);
    await settle();
    expect(third.answer?.admitted).toBe(true);
    expect(fourth.answer).toBeUndefined();
  });

  it('refuses a waiting request when its wait runs out, and not before', async () => {
    const limiter = new AdmissionLimiter(limits);
    track(limiter);
    track(limiter);
    const waiting = track(limiter);
    await jest.advanceTimersByTimeAsync(999);
    expect(waiting.answer).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(waiting).toMatchObject({ answer: { admitted: false, reason: 'queue_timeout' }, answeredAt: 1000 });
    expect(limiter.waiting).toBe(0);
  });

  it('gives up the wait of a caller that left, freeing its place in the queue', async () => {
    const limiter = new AdmissionLimiter(limits);
    track(limiter);
    track(limiter);
    const leaving = track(limiter);
    leaving.leave.abort();
    await settle();
    expect(leaving.answer).toEqual({ admitted: false, reason: 'caller_gone' });
    expect(limiter.waiting).toBe(0);
    const next = track(limiter);
    await settle();
    expect(next.answer).toBeUndefined(); // queued in the freed place, not refused
  });

  it('frees one place however often a request releases it', async () => {
    const limiter = new AdmissionLimiter(limits);
    const [first] = [track(limiter), track(limiter)];
    await settle();
    release(first);
    release(first);
    expect(limiter.running).toBe(1);
  });

  it('refuses at once instead of queueing when the wait is 0', async () => {
    const limiter = new AdmissionLimiter({ maxInFlight: 1, maxQueueLength: 10, maxQueueWaitMs: 0 });
    track(limiter);
    const second = track(limiter);
    await settle();
    expect(second.answer).toEqual({ admitted: false, reason: 'queue_full' });
  });

  type Step = { kind: 'arrive' } | { kind: 'finish'; pick: number } | { kind: 'leave'; pick: number } | { kind: 'wait'; ms: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant<Step>({ kind: 'arrive' }),
    fc.nat(20).map((pick): Step => ({ kind: 'finish', pick })),
    fc.nat(20).map((pick): Step => ({ kind: 'leave', pick })),
    fc.integer({ min: 1, max: 1500 }).map((ms): Step => ({ kind: 'wait', ms })),
  );
  const anyLimits = fc.record({
    maxInFlight: fc.integer({ min: 1, max: 4 }),
    maxQueueLength: fc.integer({ min: 0, max: 4 }),
    maxQueueWaitMs: fc.integer({ min: 1, max: 1000 }),
  });

  it('never runs more than maxInFlight, answers every request within maxQueueWaitMs, refuses only with a full queue, and leaves no place idle while a request waits', async () => {
    await fc.assert(
      fc.asyncProperty(anyLimits, fc.array(step, { maxLength: 40 }), async (limits, steps) => {
        jest.setSystemTime(0);
        const limiter = new AdmissionLimiter(limits);
        const requests: Tracked[] = [];
        const queueFullAtArrival = new Set<Tracked>();
        for (const next of steps) {
          if (next.kind === 'arrive') {
            const full = limiter.running >= limits.maxInFlight && limiter.waiting >= limits.maxQueueLength;
            const request = track(limiter);
            if (full) queueFullAtArrival.add(request);
            requests.push(request);
          } else if (next.kind === 'finish') {
            const running = requests.filter((r) => r.answer?.admitted && !r.released);
            if (running.length > 0) release(running[next.pick % running.length]!);
          } else if (next.kind === 'leave') {
            const waiting = requests.filter((r) => !r.answer);
            if (waiting.length > 0) waiting[next.pick % waiting.length]!.leave.abort();
          } else {
            await jest.advanceTimersByTimeAsync(next.ms);
          }
          await settle();

          const now = Date.now();
          const running = requests.filter((r) => r.answer?.admitted && !r.released);
          const waiting = requests.filter((r) => !r.answer);
          expect(limiter.running).toBe(running.length);
          expect(limiter.waiting).toBe(waiting.length);
          expect(running.length).toBeLessThanOrEqual(limits.maxInFlight);
          expect(waiting.length).toBeLessThanOrEqual(limits.maxQueueLength);
          if (waiting.length > 0) expect(running.length).toBe(limits.maxInFlight);
          for (const request of waiting) expect(now - request.arrivedAt).toBeLessThan(limits.maxQueueWaitMs);
          for (const request of requests.filter((r) => r.answer)) {
            expect(request.answeredAt! - request.arrivedAt).toBeLessThanOrEqual(limits.maxQueueWaitMs);
            // Refused at once exactly when the queue was full on arrival.
            if (queueFullAtArrival.has(request)) expect(request).toMatchObject({ answer: { reason: 'queue_full' }, answeredAt: request.arrivedAt });
            else expect(request.answer).not.toMatchObject({ reason: 'queue_full' });
          }
          // First come, first served: nobody who came after a request still waiting has been admitted.
          for (const request of waiting) {
            const later = requests.slice(requests.indexOf(request) + 1);
            expect(later.filter((r) => r.answer?.admitted)).toEqual([]);
          }
        }
        // Finishing everything admitted lets every waiting request through, and frees every place.
        for (let running = requests.filter((r) => r.answer?.admitted && !r.released); running.length > 0;) {
          running.forEach(release);
          await settle();
          running = requests.filter((r) => r.answer?.admitted && !r.released);
        }
        expect({ running: limiter.running, waiting: limiter.waiting }).toEqual({ running: 0, waiting: 0 });
      }),
      { numRuns: 300 },
    );
  });
});

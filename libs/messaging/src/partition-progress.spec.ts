import fc from 'fast-check';
import { PartitionProgress } from './partition-progress.js';

describe('PartitionProgress', () => {
  it('commits up to the oldest unfinished message, never past it, and past the newest once all are finished', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (first, gaps, choices) => {
          // Offsets rise, with gaps where a log has no record (compaction, transaction markers).
          const offsets = gaps.reduce<bigint[]>((all, gap) => [...all, (all.at(-1) ?? first - 1n) + BigInt(gap)], []);
          const progress = new PartitionProgress();
          const unfinished = new Set<bigint>();
          const dispatched: bigint[] = [];
          let committed: bigint | undefined;
          const check = () => {
            const oldestUnfinished = [...unfinished].reduce<bigint | undefined>((min, o) => (min === undefined || o < min ? o : min), undefined);
            const target = oldestUnfinished ?? (dispatched.length > 0 ? dispatched.at(-1)! + 1n : undefined);
            expect(progress.committable() ?? committed).toBe(target);
            expect(progress.inFlight).toBe(oldestUnfinished === undefined ? 0 : dispatched.filter((o) => o >= oldestUnfinished).length);
          };
          const commit = () => {
            const offset = progress.committable();
            if (offset === undefined) return;
            progress.committedAt(offset);
            committed = offset;
          };
          const step = (choice: number) => {
            const next = offsets[dispatched.length];
            if (next !== undefined && (unfinished.size === 0 || choice % 3 === 0)) {
              expect(progress.isNew(next)).toBe(true);
              progress.dispatch(next);
              dispatched.push(next);
              unfinished.add(next);
            } else if (unfinished.size > 0) {
              const offset = [...unfinished][choice % unfinished.size]!;
              progress.finish(offset);
              unfinished.delete(offset);
            }
            if (choice % 5 === 0) commit();
            check();
          };
          choices.forEach(step);
          while (dispatched.length < offsets.length || unfinished.size > 0) step(0);

          commit();
          expect(committed).toBe(offsets.at(-1)! + 1n);
          expect(progress.committable()).toBeUndefined();
          for (const offset of offsets) expect(progress.isNew(offset)).toBe(false);
          expect(progress.isNew(offsets.at(-1)! + 1n)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('has nothing to commit before the first message', () => {
    expect(new PartitionProgress().committable()).toBeUndefined();
  });

  it('refuses an offset dispatched out of order and a finish of a message it never dispatched', () => {
    const progress = new PartitionProgress();
    progress.dispatch(5n);
    expect(() => progress.dispatch(5n)).toThrow(/dispatched after/);
    expect(() => progress.finish(4n)).toThrow(/not pending/);
  });

  it('commits a start given before any message, then goes on from it; a start after a dispatch changes nothing', () => {
    const progress = new PartitionProgress();
    expect(progress.startAt(40n)).toBe(true);
    expect(progress.committable()).toBe(40n);
    expect(progress.hasCommitted(40n)).toBe(false);
    progress.committedAt(40n);
    expect(progress.hasCommitted(40n)).toBe(true);
    expect(progress.committable()).toBeUndefined();
    expect(progress.isNew(39n)).toBe(false);
    progress.dispatch(40n);
    progress.finish(40n);
    expect(progress.committable()).toBe(41n);

    const started = new PartitionProgress();
    started.dispatch(7n);
    expect(started.startAt(40n)).toBe(false);
    expect(started.committable()).toBe(7n);
  });
});

import fc from 'fast-check';
import { granulesOf, slotClaimId } from './slot-claims.js';

const minute = 60_000;
const base = Date.UTC(2030, 0, 1, 8, 0);
const interval = fc.record({
  startMin: fc.integer({ min: 0, max: 600 }),
  lengthMin: fc.integer({ min: 1, max: 180 }),
  bufferMin: fc.integer({ min: 0, max: 60 }),
});

describe('granulesOf', () => {
  it('covers the interval and its buffer with 5-minute granules', () => {
    const granules = granulesOf(new Date('2030-01-01T09:00:00Z'), new Date('2030-01-01T09:30:00Z'), 15);
    expect(granules.map((g) => g.toISOString().slice(11, 16))).toEqual(['09:00', '09:05', '09:10', '09:15', '09:20', '09:25', '09:30', '09:35', '09:40']);
  });

  it('makes two holds share a key exactly when their occupied intervals overlap', () => {
    fc.assert(
      fc.property(interval, interval, (a, b) => {
        const occupied = (i: typeof a) => ({ start: base + i.startMin * minute, end: base + (i.startMin + i.lengthMin + i.bufferMin) * minute });
        const [oa, ob] = [occupied(a), occupied(b)];
        const overlap = oa.start < ob.end && ob.start < oa.end;
        const keys = (i: typeof a) =>
          new Set(
            granulesOf(new Date(base + i.startMin * minute), new Date(base + (i.startMin + i.lengthMin) * minute), i.bufferMin).map((g) => slotClaimId('p', g)),
          );
        const shared = [...keys(a)].some((k) => keys(b).has(k));
        // Overlap always collides (no double booking); on 5-minute-aligned times nothing else does.
        if (overlap) expect(shared).toBe(true);
        const aligned = [a.startMin, a.lengthMin, a.bufferMin, b.startMin, b.lengthMin, b.bufferMin].every((m) => m % 5 === 0);
        if (aligned) expect(shared).toBe(overlap);
      }),
      { numRuns: 3000 },
    );
  });
});

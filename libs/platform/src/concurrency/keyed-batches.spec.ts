import fc from 'fast-check';
import { KeyedBatches } from './keyed-batches.js';

describe('KeyedBatches', () => {
  it('writes one batch per key at a time, each item once, in submission order, and answers each item', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer()), { minLength: 1, maxLength: 60 }), async (submissions) => {
        const active = new Set<string>();
        const written = new Map<string, number[]>();
        let overlapped = false;
        const batches = new KeyedBatches<number, number>(async (key, items) => {
          if (active.has(key)) overlapped = true;
          active.add(key);
          await new Promise((resolve) => setTimeout(resolve, 1));
          written.set(key, [...(written.get(key) ?? []), ...items]);
          active.delete(key);
          return items.map((item) => item * 2);
        });
        const results = await Promise.all(submissions.map(([key, item]) => batches.submit(key, item)));
        expect(overlapped).toBe(false);
        expect(results).toEqual(submissions.map(([, item]) => item * 2));
        for (const key of ['a', 'b', 'c']) expect(written.get(key) ?? []).toEqual(submissions.filter(([k]) => k === key).map(([, item]) => item));
      }),
      { numRuns: 50 },
    );
  });

  it('batches what arrives while a write is in flight, and rejects every item of a failed batch only', async () => {
    const sizes: number[] = [];
    let fail = true;
    const batches = new KeyedBatches<number>(async (_key, items) => {
      sizes.push(items.length);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) {
        fail = false;
        throw new Error('first write fails');
      }
      return items.map(() => undefined);
    });
    const first = batches.submit('k', 0);
    const rest = Array.from({ length: 9 }, (_, i) => batches.submit('k', i + 1));
    await expect(first).rejects.toThrow('first write fails');
    await Promise.all(rest);
    expect(sizes).toEqual([1, 9]);
  });

  it('with lingerMs, the first item waits, so items submitted meanwhile share its write', async () => {
    const sizes: number[] = [];
    const batches = new KeyedBatches<number>(
      async (_key, items) => {
        sizes.push(items.length);
        return items.map(() => undefined);
      },
      { lingerMs: 1 },
    );
    const all = [0, 1, 2, 3].map((i) => batches.submit('k', i));
    expect(sizes).toEqual([]);
    await Promise.all(all);
    expect(sizes).toEqual([4]);
  });

  it('without lingerMs, writes the first item at once', async () => {
    const sizes: number[] = [];
    const batches = new KeyedBatches<number>(async (_key, items) => {
      sizes.push(items.length);
      return items.map(() => undefined);
    });
    const first = batches.submit('k', 0);
    expect(sizes).toEqual([1]);
    await first;
  });
});

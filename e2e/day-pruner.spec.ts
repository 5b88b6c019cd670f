import type { Connection } from 'mongoose';
import { DayPruner, utcDayOf } from '@bp/platform';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';

const DAY_MS = 86_400_000;

describe('DayPruner on the real MongoDB-compatible server', () => {
  let connection: Connection;
  const records = () => connection.collection<{ _id: string; day: string }>('records');
  const daysAgo = (n: number, from = new Date('2030-06-15T12:00:00Z')) => utcDayOf(new Date(from.getTime() - n * DAY_MS));

  beforeAll(async () => {
    connection = await connectScratchDatabase(`day_buckets_${uniqueSuffix()}`);
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('deletes the records of the days before the cutoff’s, keeps the cutoff’s day and later, and deletes late arrivals in recent days', async () => {
    const cutoff = new Date('2030-06-15T12:00:00Z');
    await records().insertMany([0, 1, 2, 5, 29, 31].map((n) => ({ _id: `r${n}`, day: daysAgo(n, cutoff) })));
    const pruner = new DayPruner(records);

    expect(await pruner.pruneBefore(cutoff)).toBe(4); // 1, 2, 5 and 29 days old; 31 is past the lookback
    expect((await records().find().toArray()).map((r) => r._id).sort()).toEqual(['r0', 'r31']);

    // A record written into yesterday after that run (a clock or a backfill) goes with the next run.
    await records().insertOne({ _id: 'late', day: daysAgo(1, cutoff) });
    await records().insertOne({ _id: 'older', day: daysAgo(10, cutoff) });
    expect(await pruner.pruneBefore(cutoff)).toBe(1);
    expect(await records().countDocuments({ _id: 'late' })).toBe(0);
    // Older days are not read again by the same pruner: one run looks at a few days, not thirty.
    expect(await records().countDocuments({ _id: 'older' })).toBe(1);

    // The next day, yesterday's cutoff day is old too.
    expect(await pruner.pruneBefore(new Date(cutoff.getTime() + DAY_MS))).toBe(1);
    expect((await records().find().toArray()).map((r) => r._id).sort()).toEqual(['older', 'r31']);
  });
});

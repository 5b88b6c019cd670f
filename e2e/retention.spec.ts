import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { Retention, type RetentionRule, metricsRegistry, utcDayOf } from '@bp/platform';

const DAY = 86_400_000;
const NOW = new Date();
const dayAgo = (days: number) => utcDayOf(new Date(NOW.getTime() - days * DAY));

/** The value of a retention counter for one collection (the counters are per process: tests compare before and after). */
async function counted(name: string, collection: string): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => v.labels['collection'] === collection)?.value ?? 0;
}

describe('Retention on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let name: (base: string) => string;
  const ids = async (collection: string) => (await connection.collection(collection).find({}).toArray()).map((d) => String(d._id)).sort();

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const suffix = uniqueSuffix();
    connection = await connectScratchDatabase(`retention_${suffix}`);
    let n = 0;
    name = (base) => `${base}_${++n}`;
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('deletes the records of days before the cutoff’s, keeps the cutoff’s day, later days and records without a day, and logs what went', async () => {
    const events = name('events');
    await connection.collection(events).insertMany([
      { _id: 'old', day: dayAgo(45) },
      { _id: 'just-old', day: dayAgo(31) },
      { _id: 'cutoff-day', day: dayAgo(30) },
      { _id: 'recent', day: dayAgo(0) },
      // A live record: however old it is, it has no day until the write that finishes it.
      { _id: 'live', createdAt: new Date(NOW.getTime() - 400 * DAY) },
    ] as never[]);
    const logged = jest.spyOn(Logger.prototype, 'log');
    const before = await counted('retention_records_deleted_total', events);

    const deleted = await new Retention(connection, [{ collection: events, keepFor: { days: 30 } }]).prune(NOW);

    expect(deleted).toEqual({ [events]: 2 });
    expect(await ids(events)).toEqual(['cutoff-day', 'live', 'recent']);
    expect((await counted('retention_records_deleted_total', events)) - before).toBe(2);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ collection: events, deleted: 2, writtenBefore: dayAgo(30) }));
    logged.mockRestore();
  });

  it('counts hours too: a record of yesterday goes after 24 hours, today’s stays', async () => {
    const records = name('records');
    await connection.collection(records).insertMany([
      { _id: 'two-days', day: dayAgo(2) },
      { _id: 'today', day: dayAgo(0) },
    ] as never[]);

    await new Retention(connection, [{ collection: records, keepFor: { hours: 24 } }]).prune(NOW);

    expect(await ids(records)).toEqual(['today']);
  });

  it('creates the index on `day` the deletes select by', async () => {
    const indexed = name('indexed');
    await connection.collection(indexed).insertOne({ _id: 'x', day: dayAgo(0) } as never);

    await new Retention(connection, [{ collection: indexed, keepFor: { days: 1 } }]).prune(NOW);

    const keys = (await connection.collection(indexed).listIndexes().toArray()).map((index) => index['key']);
    expect(keys).toContainEqual({ day: 1 });
  });

  it('keeps an old record `onlyIf` refuses (its outbox not yet published) and deletes it by a later run once it qualifies', async () => {
    const timers = name('timers');
    const rule: RetentionRule = { collection: timers, keepFor: { days: 30 }, onlyIf: { outboxPending: { $ne: true } } };
    await connection.collection(timers).insertMany([
      { _id: 'published', day: dayAgo(40) },
      { _id: 'unpublished', day: dayAgo(40), outboxPending: true },
    ] as never[]);
    const retention = new Retention(connection, [rule]);

    await retention.prune(NOW);
    expect(await ids(timers)).toEqual(['unpublished']);

    // The relay publishes it (and clears the flag); a day later every day the pruner reaches is walked again.
    await connection.collection(timers).updateOne({ _id: 'unpublished' as never }, { $unset: { outboxPending: 1 } });
    await retention.prune(new Date(NOW.getTime() + DAY + 60_000));
    expect(await ids(timers)).toEqual([]);
  });

  it('logs and counts a collection that fails, prunes the others, and does not throw', async () => {
    const [broken, fine] = [name('broken'), name('fine')];
    await connection.collection(broken).insertOne({ _id: 'b', day: dayAgo(40) } as never);
    await connection.collection(fine).insertOne({ _id: 'f', day: dayAgo(40) } as never);
    const warned = jest.spyOn(Logger.prototype, 'warn');
    const failuresBefore = await counted('retention_prune_failures_total', broken);
    // An operator the server does not know: every delete of this collection fails.
    const retention = new Retention(connection, [
      { collection: broken, keepFor: { days: 30 }, onlyIf: { state: { $notAnOperator: 1 } } },
      { collection: fine, keepFor: { days: 30 } },
    ]);

    const deleted = await retention.prune(NOW);

    expect(deleted).toEqual({ [fine]: 1 });
    expect(await ids(broken)).toEqual(['b']);
    expect(await ids(fine)).toEqual([]);
    expect((await counted('retention_prune_failures_total', broken)) - failuresBefore).toBe(1);
    expect(warned).toHaveBeenCalledWith(expect.objectContaining({ collection: broken, message: expect.stringContaining('next period retries') }));
    warned.mockRestore();
  });

  it('run by two replicas at once, deletes each old record once and counts it once', async () => {
    const inbox = name('inbox');
    const old = Array.from({ length: 60 }, (_, i) => ({ _id: `old-${i}`, day: dayAgo(31 + (i % 5)) }));
    await connection.collection(inbox).insertMany([...old, { _id: 'recent', day: dayAgo(1) }] as never[]);
    const before = await counted('retention_records_deleted_total', inbox);
    const rule: RetentionRule = { collection: inbox, keepFor: { days: 30 } };

    const [first, second] = await Promise.all([new Retention(connection, [rule]).prune(NOW), new Retention(connection, [rule]).prune(NOW)]);

    expect((first[inbox] ?? 0) + (second[inbox] ?? 0)).toBe(60);
    expect((await counted('retention_records_deleted_total', inbox)) - before).toBe(60);
    expect(await ids(inbox)).toEqual(['recent']);
  });

  it('refuses a table that lists a collection twice', () => {
    expect(
      () =>
        new Retention(connection, [
          { collection: 'inbox', keepFor: { days: 30 } },
          { collection: 'inbox', keepFor: { days: 1 } },
        ]),
    ).toThrow('retention: inbox is listed twice');
  });
});

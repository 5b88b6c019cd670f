import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { type BusyEntry, busyEntry, decodeEntries, encodeEntries, goneEntry } from '../domain/busy-day.js';
import { BusyDayStore } from './busy-day.store.js';

interface StoredDay {
  _id: string;
  providerId: string;
  month: string;
  v: number;
  entries: string;
  busy?: string;
}

const minute = 60_000;

describe('BusyDayStore on the real MongoDB-compatible server', () => {
  let connection: Connection;
  const stores: BusyDayStore[] = [];
  /** A store as one replica of booking-svc holds it (its own batches and month cache). */
  const replica = async () => {
    const store = new BusyDayStore(connection);
    await store.onModuleInit();
    stores.push(store);
    return store;
  };
  const days = () => connection.collection<StoredDay>('busy_days');
  const storedDay = (providerId: string, day: string) => days().findOne({ _id: `${providerId}|${day}` });
  const newProvider = () => `provider-${randomUUID()}`;
  const slot = (iso: string, minutes = 45) => ({ start: new Date(iso), end: new Date(Date.parse(iso) + minutes * minute) });
  const held = (key: string, iso: string, version = 1, expiresAt?: Date) => {
    const { start, end } = slot(iso);
    return busyEntry(key, start, end, version, expiresAt);
  };
  const spansOf = (entries: BusyEntry[]) => entries.map((e) => ({ start: e.start, end: e.end })).sort((a, b) => a.start - b.start);
  const sorted = <T extends { start: number }>(spans: T[]) => [...spans].sort((a, b) => a.start - b.start);
  const dayRange = (day: string) => [new Date(`${day}T00:00:00.000Z`), new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000)] as const;

  beforeAll(async () => {
    connection = await connectScratchDatabase(`busy_days_${uniqueSuffix()}`);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('keeps every entry when many writers put entries on one day at once, within a replica and across replicas', async () => {
    const providerId = newProvider();
    const replicas = await Promise.all([replica(), replica(), replica(), replica()]);
    const entries = Array.from({ length: 48 }, (_, i) => held(`r:${i}`, `2031-03-10T${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00Z`));

    await Promise.all(entries.map((entry, i) => replicas[i % replicas.length]!.apply({ providerId, entries: [entry] })));

    const doc = await storedDay(providerId, '2031-03-10');
    expect(decodeEntries(doc?.entries).map((e) => e.key)).toEqual(entries.map((e) => e.key));
    expect(JSON.parse(doc!.busy!)).toHaveLength(48);
    expect(doc).toMatchObject({ providerId, month: `${providerId}|2031-03` });
    const now = new Date('2031-01-01T00:00:00Z');
    expect(sorted(await (await replica()).busyBetween(providerId, ...dayRange('2031-03-10'), now))).toEqual(spansOf(entries));
  });

  it('writes a day again from what it last wrote, and reads it back only when another replica wrote it since', async () => {
    const providerId = newProvider();
    const [first, second] = [await replica(), await replica()];
    const reads = jest.spyOn(days(), 'findOne');
    const readsOfDay = () => reads.mock.calls.filter(([filter]) => (filter as { _id?: string })._id === `${providerId}|2031-03-11`).length;

    await first.apply({ providerId, entries: [held('a', '2031-03-11T09:00:00Z')] });
    await first.apply({ providerId, entries: [held('b', '2031-03-11T10:00:00Z')] });
    expect(readsOfDay()).toBe(1); // the first write found no day; the second started from the first

    await second.apply({ providerId, entries: [held('c', '2031-03-11T11:00:00Z')] });
    await first.apply({ providerId, entries: [held('d', '2031-03-11T12:00:00Z')] });

    expect(decodeEntries((await storedDay(providerId, '2031-03-11'))?.entries).map((e) => e.key)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('never lets an older version of an entry overwrite a newer one, whatever order they are applied in', async () => {
    const providerId = newProvider();
    const [a, b] = [await replica(), await replica()];
    const { start, end } = slot('2031-03-11T09:00:00Z');
    const now = new Date();
    const v1 = busyEntry('b:1:x', start, end, 1);
    const v2 = busyEntry('b:1:x', start, new Date(end.getTime() + 15 * minute), 2);
    const v3 = goneEntry('b:1:x', start, end, 3, now);

    await a.apply({ providerId, entries: [v3] });
    await Promise.all([a.apply({ providerId, entries: [v1] }), b.apply({ providerId, entries: [v2] }), b.apply({ providerId, entries: [v1] })]);

    expect(decodeEntries((await storedDay(providerId, '2031-03-11'))?.entries)).toEqual([v3]);
    expect(await (await replica()).busyBetween(providerId, ...dayRange('2031-03-11'), now)).toEqual([]);

    // Every version delivered at once, several times, by two replicas: the newest stands.
    const other = newProvider();
    const versions = [v2, v1, v3, v1, v2, v3, v1];
    await Promise.all(versions.map((v, i) => (i % 2 ? a : b).apply({ providerId: other, entries: [v] })));
    expect(decodeEntries((await storedDay(other, '2031-03-11'))?.entries)).toEqual([v3]);
  });

  it('writes nothing when an update changes nothing a reader would see', async () => {
    const providerId = newProvider();
    const store = await replica();
    const entry = held('b:2:x', '2031-03-12T09:00:00Z', 1);
    await store.apply({ providerId, entries: [entry] });
    const first = await storedDay(providerId, '2031-03-12');

    await store.apply({ providerId, entries: [entry] });
    await store.apply({ providerId, entries: [{ ...entry, version: 4 }] });

    expect((await storedDay(providerId, '2031-03-12'))?.v).toBe(first?.v);
  });

  it('files each entry on the day of its start, and reads one that starts the day before and reaches into the range', async () => {
    const providerId = newProvider();
    const store = await replica();
    const lateEvening = { ...slot('2031-01-31T23:45:00Z'), key: 'r:late' };
    const morning = { ...slot('2031-02-01T08:00:00Z'), key: 'r:morning' };
    const now = new Date('2031-01-01T00:00:00Z');
    await store.apply({
      providerId,
      entries: [busyEntry(lateEvening.key, lateEvening.start, lateEvening.end, 1), busyEntry(morning.key, morning.start, morning.end, 1)],
    });

    expect(decodeEntries((await storedDay(providerId, '2031-01-31'))?.entries).map((e) => e.key)).toEqual(['r:late']);
    expect(decodeEntries((await storedDay(providerId, '2031-02-01'))?.entries).map((e) => e.key)).toEqual(['r:morning']);
    expect((await storedDay(providerId, '2031-01-31'))?.month).toBe(`${providerId}|2031-01`);
    // 1 February, asked on its own: the entry of 31 January runs to 00:30 and is part of the answer.
    expect(sorted(await store.busyBetween(providerId, ...dayRange('2031-02-01'), now))).toEqual([
      { start: lateEvening.start.getTime(), end: lateEvening.end.getTime() },
      { start: morning.start.getTime(), end: morning.end.getTime() },
    ]);
    // From 00:30 on it is not.
    expect(await store.busyBetween(providerId, new Date('2031-02-01T00:30:00Z'), new Date('2031-02-01T08:00:00Z'), now)).toEqual([]);
  });

  it('answers a lapsing entry until its expiry and not after, and a gone entry never', async () => {
    const providerId = newProvider();
    const store = await replica();
    const expiresAt = new Date('2031-01-01T00:10:00Z');
    const reservation = held('r:lapsing', '2031-03-13T09:00:00Z', 1, expiresAt);
    const { start, end } = slot('2031-03-13T11:00:00Z');
    await store.apply({ providerId, entries: [reservation, goneEntry('b:3:x', start, end, 2, new Date())] });

    const [from, to] = dayRange('2031-03-13');
    expect(await store.busyBetween(providerId, from, to, new Date(expiresAt.getTime() - 1))).toEqual([{ start: reservation.start, end: reservation.end }]);
    expect(await store.busyBetween(providerId, from, to, expiresAt)).toEqual([]);
  });

  it('reads a day written before the compact busy list existed from its entries, and gives it the list on its next write', async () => {
    const providerId = newProvider();
    const store = await replica();
    const old = held('b:4:x', '2031-03-14T09:00:00Z', 1);
    const gone = goneEntry('b:5:x', new Date('2031-03-14T10:00:00Z'), new Date('2031-03-14T10:45:00Z'), 2, new Date());
    await days().insertOne({ _id: `${providerId}|2031-03-14`, providerId, month: `${providerId}|2031-03`, v: 3, entries: encodeEntries([old, gone]) });
    const now = new Date('2031-01-01T00:00:00Z');

    expect(await store.busyBetween(providerId, ...dayRange('2031-03-14'), now)).toEqual([{ start: old.start, end: old.end }]);

    const added = held('r:6', '2031-03-14T12:00:00Z', 1);
    await store.apply({ providerId, entries: [added] });
    const doc = await storedDay(providerId, '2031-03-14');
    expect(doc?.v).toBe(4);
    expect(JSON.parse(doc!.busy!)).toEqual([
      [old.start, old.end, 0],
      [added.start, added.end, 0],
    ]);
  });

  it('answers a month from memory for a second, except that this replica’s own writes show at once', async () => {
    let clock = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    const providerId = newProvider();
    const [mine, another] = [await replica(), await replica()];
    const [from, to] = dayRange('2031-03-15');
    const now = new Date('2031-01-01T00:00:00Z');
    const first = held('r:mine', '2031-03-15T09:00:00Z');
    const second = held('r:another', '2031-03-15T11:00:00Z');
    expect(await mine.busyBetween(providerId, from, to, now)).toEqual([]);

    await mine.apply({ providerId, entries: [first] });
    expect(await mine.busyBetween(providerId, from, to, now)).toEqual([{ start: first.start, end: first.end }]);

    // Another replica's write is in the database but not yet in this replica's answer...
    await another.apply({ providerId, entries: [second] });
    expect(decodeEntries((await storedDay(providerId, '2031-03-15'))?.entries)).toHaveLength(2);
    clock += 999;
    expect(await mine.busyBetween(providerId, from, to, now)).toEqual([{ start: first.start, end: first.end }]);
    // ...until the month has been held for a second.
    clock += 1;
    expect(sorted(await mine.busyBetween(providerId, from, to, now))).toEqual(spansOf([first, second]));

    // A later write by this replica that only takes time away shows at once too.
    await mine.apply({ providerId, entries: [goneEntry(first.key, new Date(first.start), new Date(first.end), 2, new Date(clock))] });
    expect(await mine.busyBetween(providerId, from, to, now)).toEqual([{ start: second.start, end: second.end }]);
  });
});

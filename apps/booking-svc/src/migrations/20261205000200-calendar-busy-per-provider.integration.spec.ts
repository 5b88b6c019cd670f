import { indexNames } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { CalendarBusyStore } from '../slots/infrastructure/calendar-busy.store.js';
import { calendarBusyPerProvider } from './20261205000200-calendar-busy-per-provider.js';

const syncedAt = new Date('2026-11-20T10:00:00Z');
/** One busy interval as the release before stored it: its id derived from provider, start and end. */
const interval = (providerId: string, startIso: string, endIso: string) => ({
  _id: `${providerId}|${new Date(startIso).toISOString()}|${new Date(endIso).toISOString()}`,
  providerId,
  start: new Date(startIso),
  end: new Date(endIso),
  syncedAt,
});
const span = (startIso: string, endIso: string) => ({ start: Date.parse(startIso), end: Date.parse(endIso) });

const seededIntervals = [
  // Stored in no particular order.
  interval('p1', '2031-03-02T15:00:00Z', '2031-03-02T16:00:00Z'),
  interval('p1', '2031-03-01T09:00:00Z', '2031-03-01T10:00:00Z'),
  interval('p1', '2031-03-01T12:00:00Z', '2031-03-01T12:30:00Z'),
  interval('p2', '2031-03-01T08:00:00Z', '2031-03-01T09:00:00Z'),
];
/** What the service wrote for p2 after the new release started: newer than p2's intervals. */
const writtenForP2 = {
  _id: 'p2',
  v: 2,
  spans: JSON.stringify([[Date.parse('2031-03-03T08:00:00Z'), Date.parse('2031-03-03T08:30:00Z')]]),
  updatedAt: new Date('2026-12-01T10:00:00Z'),
};

describe('booking-svc migration 20261205000200 calendar-busy-per-provider', () => {
  const { db, connection, runner } = migrationSpecDatabase('calendar_busy_migration', [calendarBusyPerProvider], { connection: true });
  const collections = async () => (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('calendar_busy'));
  const perProvider = () => db.collection('calendar_busy_times').find({}).sort({ _id: 1 }).toArray();
  const intervals = () => db.collection('calendar_busy').find({}).sort({ _id: 1 }).toArray();
  /** The current release's store, reading what the migration left. */
  const busyOf = async (providerId: string) => {
    const store = new CalendarBusyStore(connection);
    store.onModuleInit();
    return store.inRange(providerId, new Date('2031-01-01T00:00:00Z'), new Date('2032-01-01T00:00:00Z'));
  };

  beforeEach(async () => {
    await db.collection('calendar_busy').insertMany(seededIntervals.map((i) => ({ ...i })) as never[]);
    // The release before created this index for its range reads.
    await db.collection('calendar_busy').createIndex({ providerId: 1, start: 1 });
  });

  it('folds each provider’s intervals into one document the current store reads, sorted, and drops calendar_busy', async () => {
    await runner().up();

    expect(await busyOf('p1')).toEqual([
      span('2031-03-01T09:00:00Z', '2031-03-01T10:00:00Z'),
      span('2031-03-01T12:00:00Z', '2031-03-01T12:30:00Z'),
      span('2031-03-02T15:00:00Z', '2031-03-02T16:00:00Z'),
    ]);
    expect(await busyOf('p2')).toEqual([span('2031-03-01T08:00:00Z', '2031-03-01T09:00:00Z')]);
    expect((await perProvider()).map((d) => [d['_id'], d['v']])).toEqual([
      ['p1', 1],
      ['p2', 1],
    ]);
    expect(await collections()).toEqual(['calendar_busy_times']);
    expect(await indexNames(db, 'calendar_busy')).toEqual([]);
  });

  it('keeps a provider document the service already wrote, and changes nothing when its up runs again', async () => {
    await db.collection('calendar_busy_times').insertOne({ ...writtenForP2 } as never);
    await runner().up();
    expect(await busyOf('p2')).toEqual([span('2031-03-03T08:00:00Z', '2031-03-03T08:30:00Z')]);
    const once = await perProvider();

    await calendarBusyPerProvider.up({ db, version: calendarBusyPerProvider.version, log: () => undefined });

    expect(await perProvider()).toEqual(once);
    expect(await collections()).toEqual(['calendar_busy_times']);
  });

  it('down writes every provider’s busy times back as intervals with the ids the release before derived, with its index, and drops calendar_busy_times', async () => {
    await runner().up();
    // The service replaced p2's busy times since.
    await db.collection('calendar_busy_times').replaceOne({ _id: 'p2' as never }, { ...writtenForP2 });
    const p1UpdatedAt = (await perProvider())[0]!['updatedAt'] as Date;

    await runner().down();

    // Each interval was last synced when its provider's document was last written.
    const p1 = seededIntervals.filter((i) => i.providerId === 'p1').map((i) => ({ ...i, syncedAt: p1UpdatedAt }));
    const p2 = { ...interval('p2', '2031-03-03T08:00:00Z', '2031-03-03T08:30:00Z'), syncedAt: writtenForP2.updatedAt };
    expect(await intervals()).toEqual([...p1, p2].sort((a, b) => a._id.localeCompare(b._id)));
    expect(await indexNames(db, 'calendar_busy')).toContain('providerId_1_start_1');
    expect(await collections()).toEqual(['calendar_busy']);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);

    // A crash after p2's intervals were written back but before calendar_busy_times was dropped: down again writes the same ones, no more.
    const once = await intervals();
    await db.collection('calendar_busy_times').insertOne({ ...writtenForP2 } as never);
    await calendarBusyPerProvider.down({ db, version: calendarBusyPerProvider.version, log: () => undefined });
    expect(await intervals()).toEqual(once);
    expect(await collections()).toEqual(['calendar_busy']);
  });
});

import { migrationSpecDatabase } from '@bp/testing';
import { timerPollMinute } from './20261125000000-timer-poll-minute.js';

const timer = (id: string, status: string, dueAt: Date, extra: object = {}) => ({ _id: id, kind: 'reminder-24h', subjectId: id, dueAt, status, ...extra });
const seeded = [
  timer('legacy', 'scheduled', new Date('2030-01-01T10:05:42.500Z')),
  timer('current', 'scheduled', new Date('2030-01-02T08:00:00Z'), { pollMinute: '2030-01-02T08:00' }),
  timer('fired', 'fired', new Date('2029-12-31T23:59:00Z')),
];

describe('scheduler-svc migration 20261125000000 timer-poll-minute', () => {
  // This migration alone: later ones have their own specs.
  const { db, runner } = migrationSpecDatabase('scheduler_migration', [timerPollMinute]);
  const timers = async () => Object.fromEntries((await db.collection('timers').find({}).toArray()).map((t) => [String(t._id), t['pollMinute']]));

  beforeEach(async () => {
    await db.collection('timers').insertMany(seeded.map((t) => ({ ...t })) as never[]);
  });

  it('gives scheduled timers without it the UTC minute they are due in, and leaves the rest alone', async () => {
    await runner().up();
    expect(await timers()).toEqual({ legacy: '2030-01-01T10:05', current: '2030-01-02T08:00', fired: undefined });
  });

  it('down removes the field; up sets it again', async () => {
    await runner().up();
    await runner().down();
    expect(await timers()).toEqual({ legacy: undefined, current: undefined, fired: undefined });
    await runner().up();
    expect((await timers())['legacy']).toBe('2030-01-01T10:05');
  });
});

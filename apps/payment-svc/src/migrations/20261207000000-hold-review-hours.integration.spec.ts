import { migrationSpecDatabase } from '@bp/testing';
import { holdReviewHours } from './20261207000000-hold-review-hours.js';

const payment = (id: string, status: string, hold: object | undefined, extra: object = {}) => ({
  _id: id,
  status,
  version: 3,
  ...(hold ? { hold } : {}),
  ...extra,
});
const seeded = [
  payment('warning-ahead', 'held', { createdAt: new Date('2031-03-03T15:20:00Z'), expiresAt: new Date('2031-03-10T15:20:00Z') }),
  payment('warned', 'held', {
    createdAt: new Date('2031-03-03T15:20:00Z'),
    expiresAt: new Date('2031-03-10T15:20:00Z'),
    expiringNotifiedAt: new Date('2031-03-09T15:21:00Z'),
  }),
  payment('overdue', 'held', { createdAt: new Date('2026-01-01T00:00:00Z'), expiresAt: new Date('2026-01-08T00:00:00Z') }),
  payment('filed', 'held', { createdAt: new Date('2031-03-03T15:20:00Z'), expiresAt: new Date('2031-03-10T15:20:00Z') }, { holdReviewHour: '2031-03-09T15' }),
  payment('captured', 'captured', { createdAt: new Date('2031-03-03T15:20:00Z'), expiresAt: new Date('2031-03-10T15:20:00Z'), capturedAt: new Date() }),
  payment('pending', 'pending', undefined),
];

describe('payment-svc migration 20261207000000 hold-review-hours', () => {
  // This migration alone: the earlier ones have their own specs.
  const { db, runner } = migrationSpecDatabase('payment_hold_review_migration', [holdReviewHours]);
  const hours = async () =>
    Object.fromEntries((await db.collection('payments').find({}).toArray()).map((p) => [String(p._id), p['holdReviewHour'] as string | undefined]));

  beforeEach(async () => {
    await db.collection('payments').insertMany(seeded.map((p) => ({ ...p })) as never[]);
  });

  it('files every held payment under the hour of its warning, or of its expiry once warned, and an overdue one under the hour it runs in', async () => {
    const before = new Date().toISOString().slice(0, 13);
    await runner().up();
    const after = new Date().toISOString().slice(0, 13);

    const filed = await hours();
    expect(filed).toEqual({
      'warning-ahead': '2031-03-09T15',
      warned: '2031-03-10T15',
      overdue: expect.any(String),
      filed: '2031-03-09T15',
      captured: undefined,
      pending: undefined,
    });
    // The hour the migration ran in (either side of an hour it may straddle).
    expect([before, after]).toContain(filed['overdue']);
    expect(await db.collection('payments').countDocuments({ version: 3 })).toBe(seeded.length);
  });

  it('keeps the hour a payment already has (the service filed it), and changes nothing when its up runs again', async () => {
    await db.collection('payments').updateOne({ _id: 'warned' as never }, { $set: { holdReviewHour: '2031-03-10T16' } });
    await runner().up();
    const first = await hours();

    await holdReviewHours.up({ db, version: holdReviewHours.version, log: () => undefined });

    expect(first['warned']).toBe('2031-03-10T16');
    expect(await hours()).toEqual(first);
  });

  it('down removes the field from every payment (the release before never reads it); up sets it again', async () => {
    await runner().up();

    await runner().down();

    expect(Object.values(await hours())).toEqual(seeded.map(() => undefined));
    await runner().up();
    expect((await hours())['warning-ahead']).toBe('2031-03-09T15');
  });
});

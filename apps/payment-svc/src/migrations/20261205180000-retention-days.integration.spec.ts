import { Logger } from '@nestjs/common';
import { Retention, utcDayOf } from '@bp/platform';
import { aWeekAgoDay, dayFields, daysAgo, migrationSpecDatabase } from '@bp/testing';
import { PaymentConfig } from '../config/payment.config.js';
import { paymentRetentionRules } from '../retention.js';
import { paymentRetentionDays } from './20261205180000-retention-days.js';

const DAY = 86_400_000;

/** Stored as the release before left them: no day on Stripe events; inbox and idempotency days as old as the records. */
const seededEvents = [
  { _id: 'evt_recent', type: 't', processedAt: daysAgo(3), outcome: 'applied: captured' },
  { _id: 'evt_ancient', type: 't', processedAt: daysAgo(200), outcome: 'ignored: unknown booking' },
  { _id: 'evt_waiting', type: 't', pending: true, attempts: 2 },
  { _id: 'evt_parked', type: 't', parked: true, attempts: 8, outcome: 'parked: boom' },
];
const seededInbox = [
  { _id: 'g:old', processedAt: daysAgo(100), day: utcDayOf(daysAgo(100)) },
  { _id: 'g:new', processedAt: daysAgo(5), day: utcDayOf(daysAgo(5)) },
];
const seededRecords = [
  { _id: 'k:old', createdAt: daysAgo(60), day: utcDayOf(daysAgo(60)) },
  { _id: 'k:new', createdAt: daysAgo(0), day: utcDayOf(daysAgo(0)) },
];

describe('payment-svc migration 20261205180000 retention-days', () => {
  const { db, connection, runner } = migrationSpecDatabase('payment_retention_migration', [paymentRetentionDays], { connection: true });
  const days = (collection: string) => dayFields(db, collection);

  beforeAll(async () => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    await db.collection('stripe_events').insertMany(seededEvents.map((e) => ({ ...e })) as never[]);
    await db.collection('inbox').insertMany(seededInbox.map((e) => ({ ...e })) as never[]);
    await db.collection('idempotency_records').insertMany(seededRecords.map((r) => ({ ...r })) as never[]);
  });

  it('gives processed events the day they were processed (none older than a week), none to waiting or parked ones, and raises older inbox and idempotency days', async () => {
    await runner().up();

    expect(await days('stripe_events')).toEqual({
      evt_recent: utcDayOf(seededEvents[0]!.processedAt!),
      evt_ancient: aWeekAgoDay(),
      evt_waiting: undefined,
      evt_parked: undefined,
    });
    expect(await days('inbox')).toEqual({ 'g:old': aWeekAgoDay(), 'g:new': seededInbox[1]!.day });
    expect(await days('idempotency_records')).toEqual({ 'k:old': aWeekAgoDay(), 'k:new': seededRecords[1]!.day });
  });

  it('puts what it back-filled within the pruner’s reach: records older than their periods go, even when the first run comes days after the migration', async () => {
    await runner().up();
    const retention = new Retention(connection, paymentRetentionRules(new PaymentConfig()));
    const ids = async (collection: string) => Object.keys(await days(collection)).sort();

    // Ten days on: the 24-hour idempotency records (the raised one too) have gone; the 30-day periods have not run out.
    await retention.prune(new Date(Date.now() + 10 * DAY));
    expect(await ids('idempotency_records')).toEqual([]);
    expect(await ids('stripe_events')).toEqual(['evt_ancient', 'evt_parked', 'evt_recent', 'evt_waiting']);
    expect(await ids('inbox')).toEqual(['g:new', 'g:old']);

    // Twenty-five days on: the events and inbox entries back-filled with the oldest day go; the recent ones stay.
    await retention.prune(new Date(Date.now() + 25 * DAY));
    expect(await ids('stripe_events')).toEqual(['evt_parked', 'evt_recent', 'evt_waiting']);
    expect(await ids('inbox')).toEqual(['g:new']);
  });

  it('changes nothing when its up runs again', async () => {
    await runner().up();
    const before = [await days('stripe_events'), await days('inbox'), await days('idempotency_records')];

    await paymentRetentionDays.up({ db, version: paymentRetentionDays.version, log: () => undefined });

    expect([await days('stripe_events'), await days('inbox'), await days('idempotency_records')]).toEqual(before);
  });

  it('down removes the day from Stripe events (the release before never reads it) and leaves the raised days', async () => {
    await runner().up();

    await runner().down();

    expect(Object.values(await days('stripe_events'))).toEqual([undefined, undefined, undefined, undefined]);
    expect((await days('inbox'))['g:old']).toEqual(aWeekAgoDay());
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);
  });
});

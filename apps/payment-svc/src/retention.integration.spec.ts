import { Logger } from '@nestjs/common';
import type { Connection } from 'mongoose';
import { MongoInbox } from '@bp/messaging';
import { IdempotencyStore, Retention } from '@bp/platform';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { PaymentConfig } from './config/payment.config.js';
import { paymentRetentionRules } from './retention.js';
import { StripeEventStore } from './webhooks/infrastructure/stripe-event.store.js';

const DAY = 86_400_000;

/**
 * payment-svc's retention table applied to records written by its own code, pruned "in the future"
 * (a run `now + n days`) instead of writing records in the past.
 */
describe('payment-svc retention on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let events: StripeEventStore;
  let idempotency: IdempotencyStore;
  let inbox: MongoInbox;
  const stored = async (collection: string) => (await connection.collection(collection).find({}).toArray()).map((d) => String(d._id)).sort();
  const stripeEvent = (id: string) => ({ _id: id, type: 'payment_intent.succeeded', created: new Date(), object: { id: 'pi_1' }, receivedAt: new Date() });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    connection = await connectScratchDatabase(`payment_retention_${uniqueSuffix()}`);
    events = new StripeEventStore(connection);
    await events.onModuleInit();
    idempotency = new IdempotencyStore(connection);
    idempotency.onModuleInit();
    inbox = new MongoInbox(connection);
    inbox.onModuleInit();
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('deletes processed Stripe events, idempotency records and inbox entries after their periods, and never an event still waiting or parked', async () => {
    const config = new PaymentConfig();
    expect([config.IDEMPOTENCY_RETENTION_HOURS, config.STRIPE_EVENT_RETENTION_DAYS]).toEqual([24, 30]);
    await events.add(stripeEvent('evt_processed'));
    await events.markProcessed('evt_processed', 'applied: captured');
    await events.add(stripeEvent('evt_waiting')); // received, not processed yet
    await events.add(stripeEvent('evt_parked'));
    await events.park('evt_parked', 8, 'payment not found'); // left for an admin
    await idempotency.run({ actor: { type: 'admin', id: 'a1' }, operation: 'refund:b1', key: 'k1' }, { amountCents: 100 }, async () => ({
      status: 200,
      body: {},
    }));
    await inbox.markProcessed('payment-svc', 'e1', 'HoldRequested');
    const retention = new Retention(connection, paymentRetentionRules(config));
    const now = Date.now();

    // Two days on: past the idempotency window, well inside the others.
    await retention.prune(new Date(now + 2 * DAY));
    expect(await stored('idempotency_records')).toEqual([]);
    expect(await stored('stripe_events')).toEqual(['evt_parked', 'evt_processed', 'evt_waiting']);
    expect(await stored('inbox')).toEqual(['payment-svc:e1']);
    // While it is kept, a redelivery of the processed event is recognised.
    expect(await events.add(stripeEvent('evt_processed'))).toBe(false);

    // Thirty-two days on: the processed event and the inbox entry are gone; the waiting and parked events stay, however old.
    await retention.prune(new Date(now + 32 * DAY));
    expect(await stored('stripe_events')).toEqual(['evt_parked', 'evt_waiting']);
    expect(await stored('inbox')).toEqual([]);
    expect((await events.unprocessed()).map((e) => e._id)).toEqual(['evt_waiting']);
    expect((await events.parkedEvents()).map((e) => e._id)).toEqual(['evt_parked']);
  });

  it('gives a parked event that an admin redrove its day only once it is processed', async () => {
    await events.add(stripeEvent('evt_redriven'));
    await events.park('evt_redriven', 8, 'boom');
    expect(await events.redrive('evt_redriven')).toBe(true);
    const retention = new Retention(connection, paymentRetentionRules(new PaymentConfig()));

    await retention.prune(new Date(Date.now() + 40 * DAY));
    expect(await events.find('evt_redriven')).toMatchObject({ pending: true });

    await events.markProcessed('evt_redriven', 'applied: captured');
    await retention.prune(new Date(Date.now() + 42 * DAY));
    expect(await events.find('evt_redriven')).toBeNull();
  });
});

import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { AggregateStore, relayThatNeverPublishes } from '@bp/outbox';
import { Retention } from '@bp/platform';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { NotificationConfig } from './config/notification.config.js';
import { ChannelError } from './notifications/infrastructure/channel.port.js';
import { DeliveryRepository, type NewDelivery } from './notifications/infrastructure/delivery.repository.js';
import { DELIVERY_MODEL, type DeliveryDocument, DeliverySchema } from './notifications/infrastructure/delivery.schema.js';
import { DigestRepository } from './notifications/infrastructure/digest.repository.js';
import { notificationRetentionRules } from './retention.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * notification-svc's retention table applied to deliveries and digests written by its own code, pruned
 * "in the future" (a run `now + n days`). The outbox relay is left out on purpose (nothing is published
 * to the platform's topics): a failed delivery's NotificationFailed stays pending until the test clears
 * it the way the relay does once Kafka has it.
 */
describe('notification-svc retention on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let model: Model<DeliveryDocument>;
  let deliveries: DeliveryRepository;
  let digests: DigestRepository;
  const config = new NotificationConfig();
  const statusOf = async (id: string) => (await model.collection.findOne({ _id: id as never }))?.['status'];
  const delivery = (name: string): NewDelivery => ({
    _id: `${randomUUID()}:patient:u1:${name}`,
    bookingId: 'b1',
    template: 'booking_confirmed',
    channel: 'email',
    recipient: { role: 'patient', id: 'u1' },
    address: 'u1@example.test',
    message: { subject: 's', body: 'b', push: { title: 't', body: 'b' }, sms: 's', link: 'https://x/b1', appLink: 'x://b1' },
  });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    connection = await connectScratchDatabase(`notification_retention_${uniqueSuffix()}`);
    model = connection.model<DeliveryDocument>(DELIVERY_MODEL, DeliverySchema);
    await model.init();
    deliveries = new DeliveryRepository(model, new AggregateStore(model, relayThatNeverPublishes()));
    digests = new DigestRepository(connection);
    digests.onModuleInit();
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('deletes sent, given-up and skipped deliveries after DELIVERY_RETENTION_DAYS (a given-up one once NotificationFailed is published), never one still waiting or being sent', async () => {
    expect(config.DELIVERY_RETENTION_DAYS).toBe(90);
    const now = new Date();
    const sent = (await deliveries.claim(delivery('sent')))!;
    await deliveries.markSent(sent._id, 'msg-1', now);
    const failed = (await deliveries.claim(delivery('failed')))!;
    await deliveries.markFailed(failed, new ChannelError('REJECTED', 'address refused', true), now);
    const deferred = delivery('deferred');
    await deliveries.defer(deferred, new Date(now.getTime() + 8 * HOUR), now); // quiet hours
    const retrying = (await deliveries.claim(delivery('retrying')))!;
    await deliveries.retryLater(retrying._id, new Date(now.getTime() + HOUR), new ChannelError('TIMEOUT', 'timed out', false), now);
    const sending = (await deliveries.claim(delivery('sending')))!; // a send under way (or a crashed one the sweep takes over)
    const skipped = delivery('skipped'); // to an unverified contact: never sent
    await deliveries.recordSkipped(skipped, 'CONTACT_UNVERIFIED', now);
    const retention = new Retention(connection, notificationRetentionRules(config));

    await retention.prune(new Date(now.getTime() + 60 * DAY));
    expect(await model.countDocuments()).toBe(6);

    await retention.prune(new Date(now.getTime() + 91 * DAY + HOUR));
    expect(await statusOf(sent._id)).toBeUndefined();
    expect(await statusOf(skipped._id)).toBeUndefined();
    expect(await statusOf(failed._id)).toBe('failed'); // its NotificationFailed never reached Kafka
    expect(await statusOf(deferred._id)).toBe('deferred');
    expect(await statusOf(retrying._id)).toBe('retrying');
    expect(await statusOf(sending._id)).toBe('sending');

    await model.collection.updateOne({ _id: failed._id as never }, { $set: { outbox: [] }, $unset: { outboxPending: 1, outboxPendingSince: 1 } });
    await retention.prune(new Date(now.getTime() + 92 * DAY + 2 * HOUR));
    expect(await statusOf(failed._id)).toBeUndefined();
  });

  it('deletes a sent digest after DIGEST_RETENTION_DAYS and never one still open or being sent', async () => {
    expect(config.DIGEST_RETENTION_DAYS).toBe(30);
    const item = (bookingId: string) => ({ eventId: randomUUID(), bookingId });
    const sentId = await digests.add('p-sent', 'hourly', 'UTC', item('b1'));
    const closingId = await digests.add('p-closing', 'hourly', 'UTC', item('b2'));
    const openId = await digests.add('p-open', 'daily', 'UTC', item('b3'));
    const later = new Date(Date.now() + 2 * HOUR); // the hourly periods have ended
    const due = await digests.due(later);
    const sending = (await digests.claim(
      due.find((d) => d._id === sentId)!,
      later,
    ))!;
    await digests.markSent(sending._id, later);
    await digests.claim(
      due.find((d) => d._id === closingId)!,
      later,
    );
    const retention = new Retention(connection, notificationRetentionRules(config));

    await retention.prune(new Date(Date.now() + 31 * DAY + 3 * HOUR));

    const left = (await connection.collection('digests').find({}).toArray()).map((d) => [String(d._id), d['status']]);
    expect(left.sort()).toEqual(
      [
        [closingId, 'closing'],
        [openId, 'open'],
      ].sort(),
    );
  });
});

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore, outboxOnInsert } from '@bp/outbox';
import { insertNew, isDuplicateKey, utcDayOf } from '@bp/platform';
import type { ChannelError } from './channel.port.js';
import { DELIVERY_MODEL, type Delivery, type DeliveryDocument, type DeliveryStatus } from './delivery.schema.js';

export type { Delivery } from './delivery.schema.js';
export type NewDelivery = Omit<Delivery, 'status' | 'attempts' | 'createdAt' | 'updatedAt'>;

/** A send that died mid-way (a crash) may be taken over after this long. */
const SENDING_LEASE_MS = 60_000;
const BATCH = 100;

/** The delivery records: a redelivered event finds its deliveries and sends nothing twice. */
@Injectable()
export class DeliveryRepository {
  constructor(
    @InjectModel(DELIVERY_MODEL) private readonly model: Model<DeliveryDocument>,
    @InjectAggregateStore(DELIVERY_MODEL) private readonly store: AggregateStore<DeliveryDocument>,
  ) {}

  /** The collection itself, for the conditional writes (the model serves the outbox relay). */
  private get deliveries() {
    return this.model.db.collection<DeliveryDocument>(this.model.collection.collectionName);
  }

  /** Takes a new delivery to send it now; false when it exists already (sent, being sent, or waiting for the sweep). */
  async claim(delivery: NewDelivery, now: Date = new Date()): Promise<Delivery | undefined> {
    const record: Delivery = { ...delivery, status: 'sending', attempts: 1, createdAt: now, updatedAt: now };
    try {
      await this.deliveries.insertOne({ ...record, ...outboxOnInsert([]) });
      return record;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return undefined;
    }
  }

  /** Records a delivery to be sent by the sweep at `notBefore` (quiet hours); once per id. */
  async defer(delivery: NewDelivery, notBefore: Date, now: Date = new Date()): Promise<void> {
    try {
      await this.deliveries.insertOne({
        ...delivery,
        status: 'deferred',
        notBefore,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        ...outboxOnInsert([]),
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // deferred (or sent) already
    }
  }

  /** Records a delivery that is not sent, and why (once per id: a redelivered event records nothing new). True when it is new. */
  async recordSkipped(delivery: NewDelivery, reason: string, now: Date = new Date()): Promise<boolean> {
    const record = { ...delivery, status: 'skipped' as const, skippedReason: reason, attempts: 0, createdAt: now, updatedAt: now, day: utcDayOf(now) };
    return (await insertNew(this.deliveries, [{ ...record, ...outboxOnInsert([]) }])) === 1;
  }

  /** Deliveries the sweep should send now: held or retrying ones whose time has come, and sends abandoned mid-way. */
  async due(now: Date, limit = BATCH): Promise<Delivery[]> {
    // Status is an equality the database filters on; the time is checked here (FerretDB v1 pushes down equalities only).
    const waiting = async (status: DeliveryStatus, isDue: (d: Delivery) => boolean) =>
      (
        await this.deliveries
          .find<Delivery>({ status }, { projection: { outbox: 0 } })
          .limit(limit * 10)
          .toArray()
      ).filter(isDue);
    const [deferred, retrying, abandoned] = await Promise.all([
      waiting('deferred', (d) => !d.notBefore || d.notBefore <= now),
      waiting('retrying', (d) => !d.notBefore || d.notBefore <= now),
      waiting('sending', (d) => now.getTime() - d.updatedAt.getTime() >= SENDING_LEASE_MS),
    ]);
    return [...deferred, ...retrying, ...abandoned].slice(0, limit);
  }

  /** Takes a due delivery for one more attempt; undefined when another replica took it first. */
  async claimDue(delivery: Delivery, now: Date = new Date()): Promise<Delivery | undefined> {
    const taken = await this.deliveries.updateOne(
      { _id: delivery._id, status: delivery.status, updatedAt: delivery.updatedAt },
      { $set: { status: 'sending', updatedAt: now }, $inc: { attempts: 1 } },
    );
    return taken.modifiedCount === 1 ? { ...delivery, status: 'sending', attempts: delivery.attempts + 1, updatedAt: now } : undefined;
  }

  async markSent(id: string, providerMessageId: string, now: Date = new Date()): Promise<void> {
    await this.deliveries.updateOne(
      { _id: id, status: 'sending' },
      { $set: { status: 'sent', providerMessageId, sentAt: now, updatedAt: now, day: utcDayOf(now) }, $unset: { notBefore: 1 } },
    );
  }

  /** A failed attempt that may pass: tried again at `notBefore`. */
  async retryLater(id: string, notBefore: Date, error: ChannelError, now: Date = new Date()): Promise<void> {
    await this.deliveries.updateOne(
      { _id: id, status: 'sending' },
      { $set: { status: 'retrying', notBefore, lastErrorCode: error.code, lastError: error.message.slice(0, 500), updatedAt: now } },
    );
  }

  /** Gives up: the delivery is failed and NotificationFailed is in its outbox, in one write. */
  async markFailed(delivery: Delivery, error: ChannelError, now: Date = new Date()): Promise<void> {
    const event = buildMessage(
      Topics.notificationEvents,
      'NotificationFailed',
      {
        deliveryId: delivery._id,
        ...(delivery.bookingId ? { bookingId: delivery.bookingId } : {}),
        template: delivery.template,
        channel: delivery.channel,
        recipientRole: delivery.recipient.role,
        recipientId: delivery.recipient.id,
        attempts: delivery.attempts,
        errorCode: error.code,
        failedAt: now.toISOString(),
      },
      { id: delivery._id, version: delivery.attempts },
      now,
    );
    await this.store.update(
      { _id: delivery._id, status: 'sending' },
      { $set: { status: 'failed', lastErrorCode: error.code, lastError: error.message.slice(0, 500), failedAt: now, updatedAt: now, day: utcDayOf(now) } },
      [event],
      { now },
    );
  }

  /** A booking's deliveries, oldest first (digests included), for admins. */
  async forBooking(bookingId: string): Promise<Delivery[]> {
    return this.deliveries
      .find<Delivery>({ $or: [{ bookingId }, { bookingIds: bookingId }] }, { projection: { outbox: 0 } })
      .sort({ createdAt: 1 })
      .toArray();
  }
}

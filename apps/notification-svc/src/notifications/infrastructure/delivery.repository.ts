import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';

export interface Delivery {
  /** `${eventId}:${role}:${recipientId}:${channel}`: one delivery per event, recipient and channel. */
  _id: string;
  bookingId: string;
  template: string;
  channel: string;
  recipient: { role: string; id: string };
  status: 'deferred' | 'sending' | 'sent' | 'failed';
  /** Deferred by the recipient's quiet hours: not before this time, to this address, with these texts. */
  notBefore?: Date;
  address?: string;
  message?: { subject: string; body: string; link: string; appLink: string; push: { title: string; body: string }; sms: string };
  attempts: number;
  lastError?: string;
  providerMessageId?: string;
  updatedAt: Date;
}

const DUPLICATE_KEY = 11000;
/** A send that died mid-way may be taken over after this long. */
const SENDING_LEASE_MS = 60_000;

/** The delivery records: a redelivered event finds its deliveries and sends nothing twice. */
@Injectable()
export class DeliveryRepository implements OnModuleInit {
  private deliveries!: Collection<Delivery>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.deliveries = this.connection.collection<Delivery>('deliveries');
  }

  /** Takes the delivery to send it; false when it was sent already or another send of it is in progress. */
  async claim(delivery: Omit<Delivery, 'status' | 'attempts' | 'updatedAt'>, now: Date = new Date()): Promise<boolean> {
    try {
      await this.deliveries.insertOne({ ...delivery, status: 'sending', attempts: 1, updatedAt: now });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
    const existing = await this.deliveries.findOne({ _id: delivery._id });
    if (!existing || existing.status === 'sent') return false;
    if (existing.status === 'sending' && now.getTime() - existing.updatedAt.getTime() < SENDING_LEASE_MS) return false;
    const retried = await this.deliveries.updateOne(
      { _id: delivery._id, status: existing.status, updatedAt: existing.updatedAt },
      { $set: { status: 'sending', updatedAt: now }, $inc: { attempts: 1 } },
    );
    return retried.modifiedCount === 1;
  }

  /** Records a delivery held by quiet hours (once per event, recipient and channel). */
  async defer(delivery: Omit<Delivery, 'status' | 'attempts' | 'updatedAt'>, now: Date = new Date()): Promise<void> {
    try {
      await this.deliveries.insertOne({ ...delivery, status: 'deferred', attempts: 0, updatedAt: now });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error; // deferred (or sent) already
    }
  }

  /** Deferred deliveries whose time has come (status is an equality the database filters on). */
  async dueDeferred(now: Date, limit = 100): Promise<Delivery[]> {
    return (
      await this.deliveries
        .find({ status: 'deferred' })
        .limit(limit * 10)
        .toArray()
    )
      .filter((d) => !d.notBefore || d.notBefore <= now)
      .slice(0, limit);
  }

  /** Takes a due deferred delivery to send it; false when another replica took it. */
  async claimDeferred(delivery: Delivery, now: Date = new Date()): Promise<boolean> {
    const taken = await this.deliveries.updateOne(
      { _id: delivery._id, status: 'deferred', updatedAt: delivery.updatedAt },
      { $set: { status: 'sending', updatedAt: now }, $inc: { attempts: 1 } },
    );
    return taken.modifiedCount === 1;
  }

  /** A deferred send that failed waits for a later sweep. */
  async deferAgain(id: string, notBefore: Date, error: string): Promise<void> {
    await this.deliveries.updateOne({ _id: id }, { $set: { status: 'deferred', notBefore, lastError: error.slice(0, 500), updatedAt: new Date() } });
  }

  async markSent(id: string, providerMessageId: string): Promise<void> {
    await this.deliveries.updateOne({ _id: id }, { $set: { status: 'sent', providerMessageId, updatedAt: new Date() } });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.deliveries.updateOne({ _id: id }, { $set: { status: 'failed', lastError: error.slice(0, 500), updatedAt: new Date() } });
  }

  /** A booking's deliveries, for admins (the booking's notification status). */
  forBooking(bookingId: string): Promise<Delivery[]> {
    return this.deliveries.find({ bookingId }).toArray();
  }
}

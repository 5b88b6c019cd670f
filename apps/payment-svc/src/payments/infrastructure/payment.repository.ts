import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore, withoutOutbox } from '@bp/outbox';
import type { Payment, PaymentStatus } from '../domain/payment.js';
import { countTransition } from './payment.metrics.js';
import { PAYMENT_MODEL, type PaymentDocument } from './payment.schema.js';

function toPayment(doc: PaymentDocument): Payment {
  // The schema's timestamps are the document's, not the payment's.
  const { _id, createdAt: _c, updatedAt: _u, ...rest } = withoutOutbox(doc as PaymentDocument & { createdAt?: Date; updatedAt?: Date });
  return { bookingId: _id, ...rest };
}

/** A write lost to a concurrent one: the caller reads again (the message is redelivered, as for any error that is not a domain rule's no). */
export class PaymentVersionConflict extends Error {}

@Injectable()
export class PaymentRepository {
  constructor(
    @InjectModel(PAYMENT_MODEL) private readonly model: Model<PaymentDocument>,
    @InjectAggregateStore(PAYMENT_MODEL) private readonly store: AggregateStore<PaymentDocument>,
  ) {}

  async find(bookingId: string): Promise<Payment | null> {
    const doc = await this.model.findById(bookingId).lean<PaymentDocument>();
    return doc ? toPayment(doc) : null;
  }

  /** The payment Stripe knows by this PaymentIntent (webhook objects without our metadata, such as disputes). */
  async findByPaymentIntent(paymentIntentId: string): Promise<Payment | null> {
    const doc = await this.model.findOne({ paymentIntentId }).lean<PaymentDocument>();
    return doc ? toPayment(doc) : null;
  }

  /**
   * Payments matching scalar equalities only: the sweeps' flags (`captureWaiting`, `payoutDue`,
   * `refundPending`, `disputeOpen`) and `status` are set only while there is work, so these stay small, and
   * equality is what FerretDB evaluates in the database.
   */
  async list(
    filter: { status?: PaymentStatus; providerId?: string; captureWaiting?: true; payoutDue?: true; refundPending?: true; disputeOpen?: true },
    limit = 500,
  ): Promise<Payment[]> {
    const docs = await this.model.find(filter).limit(limit).lean<PaymentDocument[]>();
    return docs.map(toPayment);
  }

  /** Stores a new payment, or returns the one already there for this booking. */
  async createOrGet(payment: Payment): Promise<Payment> {
    const { bookingId, ...fields } = payment;
    const result = await this.store.insert({ _id: bookingId, ...fields });
    return result.ok ? payment : ((await this.find(bookingId)) as Payment);
  }

  /** Writes the next state if nobody else did since `previous`, with its messages, in one update. */
  async save(previous: Payment, next: Payment, messages: OutgoingMessage[] = []): Promise<void> {
    if (next === previous) return;
    const { bookingId, ...state } = next;
    // Fields the next state dropped (a flag whose work is done) are removed from the document.
    const dropped = Object.keys(previous).filter((key) => !(key in next));
    const result = await this.store.update(
      { _id: bookingId, version: previous.version },
      { $set: state as Record<string, unknown>, ...(dropped.length ? { $unset: Object.fromEntries(dropped.map((k) => [k, 1])) } : {}) },
      messages,
    );
    if (!result.ok) throw new PaymentVersionConflict(`payment ${bookingId} changed meanwhile`);
    countTransition(previous.status, next.status, next.currency);
  }
}

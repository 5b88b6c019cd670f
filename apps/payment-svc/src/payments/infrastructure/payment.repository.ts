import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore, withoutOutbox } from '@bp/outbox';
import { holdReviewHour } from '../domain/hold-review.js';
import type { Payment, PaymentStatus } from '../domain/payment.js';
import { countTransition } from './payment.metrics.js';
import { PAYMENT_MODEL, type PaymentDocument } from './payment.schema.js';

function toPayment(doc: PaymentDocument): Payment {
  // The schema's timestamps are the document's, not the payment's; the review hour is the hold monitor's index, not state.
  const { _id, createdAt: _c, updatedAt: _u, holdReviewHour: _r, ...rest } = withoutOutbox(doc as PaymentDocument & { createdAt?: Date; updatedAt?: Date });
  return { bookingId: _id, ...rest };
}

/** What the hold gauges and the admin summary count of a held payment: a projection, without its state, attempts or outbox. */
export type HeldPayment = Pick<Payment, 'bookingId' | 'status' | 'currency' | 'amountCents' | 'captureWaiting'> & {
  hold?: Pick<NonNullable<Payment['hold']>, 'createdAt' | 'expiresAt'>;
  /** Absent only on a hold the release before this field wrote (during an upgrade): the hold monitor files it. */
  holdReviewHour?: string;
};

const HELD_FIELDS = { status: 1, currency: 1, amountCents: 1, captureWaiting: 1, 'hold.createdAt': 1, 'hold.expiresAt': 1, holdReviewHour: 1 };

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
   * `refundPending`, `disputeOpen`) and `status` are set only while there is work, and `holdReviewHour`
   * holds the holds the monitor reviews in one hour, so these stay small, and equality is what FerretDB
   * evaluates in the database.
   */
  async list(
    filter: {
      status?: PaymentStatus;
      providerId?: string;
      captureWaiting?: true;
      payoutDue?: true;
      refundPending?: true;
      disputeOpen?: true;
      holdReviewHour?: string;
    },
    limit = 500,
  ): Promise<Payment[]> {
    const docs = await this.model.find(filter).limit(limit).lean<PaymentDocument[]>();
    return docs.map(toPayment);
  }

  /**
   * Every held payment, with only what the hold gauges and the admin summary count (no limit: it is the
   * one read of every open hold, once per reconcile interval and per summary asked for).
   */
  async listHeld(): Promise<HeldPayment[]> {
    const docs = await this.model.find({ status: 'held' }, HELD_FIELDS).lean<Array<Omit<HeldPayment, 'bookingId'> & { _id: string }>>();
    return docs.map(({ _id, ...fields }) => ({ bookingId: _id, ...fields }));
  }

  /** Stores a new payment, or returns the one already there for this booking. */
  async createOrGet(payment: Payment): Promise<Payment> {
    const { bookingId, ...fields } = payment;
    const reviewHour = holdReviewHour(payment, new Date());
    const result = await this.store.insert({ _id: bookingId, ...fields, ...(reviewHour ? { holdReviewHour: reviewHour } : {}) });
    return result.ok ? payment : ((await this.find(bookingId)) as Payment);
  }

  /**
   * Writes the next state if nobody else did since `previous`, with its messages, in one update; a held
   * payment is filed in the hold monitor's review bucket its new state calls for (holdReviewHour), any
   * other leaves the buckets.
   */
  async save(previous: Payment, next: Payment, messages: OutgoingMessage[] = []): Promise<void> {
    if (next === previous) return;
    const { bookingId, ...state } = next;
    const reviewHour = holdReviewHour(next, new Date());
    // Fields the next state dropped (a flag whose work is done) are removed from the document.
    const dropped = [...Object.keys(previous).filter((key) => !(key in next)), ...(reviewHour ? [] : ['holdReviewHour'])];
    const result = await this.store.update(
      { _id: bookingId, version: previous.version },
      {
        $set: { ...state, ...(reviewHour ? { holdReviewHour: reviewHour } : {}) } as Record<string, unknown>,
        ...(dropped.length ? { $unset: Object.fromEntries(dropped.map((k) => [k, 1])) } : {}),
      },
      messages,
    );
    if (!result.ok) throw new PaymentVersionConflict(`payment ${bookingId} changed meanwhile`);
    countTransition(previous, next);
  }

  /**
   * Files the payment in the review bucket its state calls for, as of now (or takes it out of the
   * buckets), unless it changed since it was read (its own write filed it then). False when it had.
   */
  fileForReview(payment: Payment, now: Date = new Date()): Promise<boolean> {
    const reviewHour = holdReviewHour(payment, now);
    return this.store.change(
      { _id: payment.bookingId, version: payment.version },
      reviewHour ? { $set: { holdReviewHour: reviewHour } } : { $unset: { holdReviewHour: 1 } },
    );
  }
}

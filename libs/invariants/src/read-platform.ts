import mongoose from 'mongoose';
import Stripe from 'stripe';
import { findViolations } from './rules.js';
import type { BookingRecord, Findings, HoldRecord, IntentRecord, PaymentRecord, PlatformSnapshot, TimerRecord } from './snapshot.js';

export interface PlatformSources {
  mongoUrl: string;
  /** Each service's own database (the names the services run with). */
  databases: { booking: string; payment: string; scheduler?: string };
  /** Stripe, asked for each payment's intent; omitted, Stripe is not compared (stripe-mock keeps no state). */
  stripe?: { secretKey: string; apiBase?: string };
}

const STRIPE_CONCURRENCY = 8;

/**
 * Reads what the rules need, each collection once, whole: an offline check of a platform at rest,
 * not a request path (docs/failure-model.md, "Checking it").
 */
export async function readPlatform(sources: PlatformSources): Promise<PlatformSnapshot> {
  const client = await new mongoose.mongo.MongoClient(sources.mongoUrl).connect();
  try {
    const now = new Date();
    const booking = client.db(sources.databases.booking);
    const [bookings, holds, payments, timers] = await Promise.all([
      booking
        .collection<BookingRecord>('bookings')
        .find({}, { projection: { status: 1, providerId: 1, holdId: 1, dateTime: 1, confirmation: 1, reschedule: 1, cancellation: 1 } })
        .toArray(),
      booking
        .collection<HoldRecord>('slot_holds')
        .find({}, { projection: { expiresAt: 1, bookingId: 1 } })
        .toArray(),
      client
        .db(sources.databases.payment)
        .collection<PaymentRecord>('payments')
        .find(
          {},
          {
            projection: {
              status: 1,
              amountCents: 1,
              capturedCents: 1,
              refundedCents: 1,
              paymentIntentId: 1,
              captureWaiting: 1,
              awaitingConfirmation: 1,
              refundPending: 1,
              refunds: 1,
            },
          },
        )
        .toArray(),
      sources.databases.scheduler
        ? client
            .db(sources.databases.scheduler)
            .collection<TimerRecord>('timers')
            .find({}, { projection: { status: 1 } })
            .toArray()
        : Promise.resolve(undefined),
    ]);
    const intents = sources.stripe ? await readIntents(sources.stripe, payments) : undefined;
    return { now, bookings, holds, payments, ...(timers ? { timers } : {}), ...(intents ? { intents } : {}) };
  } finally {
    await client.close();
  }
}

async function readIntents(options: NonNullable<PlatformSources['stripe']>, payments: PaymentRecord[]): Promise<Map<string, IntentRecord>> {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: 2,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  });
  const ids = payments.flatMap((p) => (p.paymentIntentId ? [p.paymentIntentId] : []));
  const intents = new Map<string, IntentRecord>();
  for (let i = 0; i < ids.length; i += STRIPE_CONCURRENCY) {
    const batch = await Promise.all(ids.slice(i, i + STRIPE_CONCURRENCY).map((id) => stripe.paymentIntents.retrieve(id)));
    for (const intent of batch) intents.set(intent.id, { id: intent.id, status: intent.status, amountReceived: intent.amount_received });
  }
  return intents;
}

export async function checkInvariants(sources: PlatformSources): Promise<Findings> {
  return findViolations(await readPlatform(sources));
}

/**
 * Checks until the platform is clean or `waitMs` has passed, and answers the last findings: right
 * after a flow, its last messages may still be on their way (a release, a refund, a timer), and only
 * a violation that stays is one.
 */
export async function checkUntilClean(sources: PlatformSources, waitMs: number, intervalMs = 500): Promise<Findings> {
  const until = Date.now() + waitMs;
  for (;;) {
    const findings = await checkInvariants(sources);
    if (findings.violations.length === 0 || Date.now() >= until) return findings;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// The database engine's raw ceiling: single-document inserts and finds by _id with the mongodb driver
// (mongoose's copy, so no new dependency), at a given concurrency, in a scratch database dropped after.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { pool, round, summarize } from './stats.mjs';

const { MongoClient } = mongoose.mongo;

/** A booking document as booking-svc stores it after its hold (about 1.8 KB of BSON: state, audit trail, empty outbox). */
export function bookingDocument(i) {
  const id = randomUUID();
  const at = new Date(Date.now() + i * 1_800_000).toISOString();
  const actor = { type: 'patient', id: `bench-patient-${i}` };
  return {
    _id: id,
    bookingNumber: `FH-20260101-${String(i).padStart(5, '0')}`,
    patientId: actor.id,
    providerId: 'bench-provider',
    holdId: randomUUID(),
    reservationId: randomUUID(),
    service: { serviceId: 'svc-bench-30', name: 'Bench consultation', category: 'bench', durationMinutes: 30, priceCents: 10_000, currency: 'usd' },
    bookingType: 'request',
    status: 'pending_confirmation',
    dateTime: { requestedStart: at, requestedEnd: at, providerTimezone: 'America/Denver', patientTimezone: 'Europe/Berlin', bufferMinutes: 0 },
    confirmation: { required: true, requestedAt: at, expiresAt: at },
    reschedule: { count: 0, maxAttempts: 2, history: [] },
    payment: {
      status: 'held',
      originalAmountCents: 10_000,
      platformFee: { percentage: 10, flatFeeCents: 150, maxFeeCents: 3500, calculatedFeeCents: 1150 },
      paymentIntentId: `pi_${id.slice(0, 14)}`,
    },
    notes: {},
    audit: [
      {
        eventType: 'created',
        previousStatus: 'slot_reserved',
        newStatus: 'pending_payment',
        data: { reservationId: id, bookingType: 'request' },
        actor,
        context: { requestId: randomUUID(), source: 'api' },
        timestamp: at,
      },
      {
        eventType: 'payment_held',
        previousStatus: 'pending_payment',
        newStatus: 'pending_confirmation',
        data: { paymentIntentId: `pi_${id.slice(0, 14)}`, confirmationExpiresAt: at },
        actor: { type: 'system', id: 'booking-svc' },
        context: { requestId: randomUUID(), source: 'system' },
        timestamp: at,
      },
    ],
    version: 2,
    createdAt: at,
    updatedAt: at,
    outbox: [],
    outboxRevision: 2,
  };
}

/** A slot reservation as booking-svc stores it (about 400 bytes). */
export function reservationDocument(i) {
  const at = new Date(Date.now() + i * 1_800_000).toISOString();
  return {
    _id: randomUUID(),
    providerId: 'bench-provider',
    patientId: `bench-patient-${i}`,
    serviceId: 'svc-bench-30',
    startTime: at,
    endTime: at,
    bufferMinutes: 0,
    status: 'active',
    expiresAt: at,
    version: 1,
    idempotencyKey: randomUUID(),
    createdAt: at,
    outbox: [],
    outboxRevision: 1,
  };
}

function shuffle(items) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

async function measure(count, concurrency, operation) {
  const started = performance.now();
  const samples = await pool(count, concurrency, async (i) => {
    const t = performance.now();
    await operation(i);
    return performance.now() - t;
  });
  const seconds = (performance.now() - started) / 1000;
  return { operations: count, perSecond: round(count / seconds, 1), latencyMs: summarize(samples) };
}

/**
 * Inserts `count` documents of each shape one by one at `concurrency`, then finds each by _id in a
 * random order. The database `database` must be a scratch one: it is dropped at the end, even on
 * failure (a failed drop is reported as `dropError`, the measurement kept).
 */
export async function engineCeiling({ url, database, count, concurrency }) {
  const client = await MongoClient.connect(url, { maxPoolSize: concurrency, serverSelectionTimeoutMS: 10_000 });
  const db = client.db(database);
  const results = {};
  try {
    for (const [shape, make] of Object.entries({ booking: bookingDocument, reservation: reservationDocument })) {
      const collection = db.collection(`${shape}s`);
      const docs = Array.from({ length: count }, (_, i) => make(i));
      await collection.insertOne(make(-1)); // creates the collection outside the measurement
      const insert = await measure(count, concurrency, (i) => collection.insertOne(docs[i]));
      const order = shuffle(docs.map((d) => d._id));
      const find = await measure(count, concurrency, async (i) => {
        if (!(await collection.findOne({ _id: order[i] }))) throw new Error(`${shape} ${order[i]} not found`);
      });
      results[shape] = { documentBytes: mongoose.mongo.BSON.calculateObjectSize(docs[0]), insert, findById: find };
    }
  } finally {
    await db.dropDatabase().catch((error) => (results.dropError = `${database}: ${error.message}`));
    await client.close();
  }
  return results;
}

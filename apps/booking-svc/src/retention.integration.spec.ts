import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { AggregateStore, relayThatNeverPublishes } from '@bp/outbox';
import { IdempotencyStore, Retention } from '@bp/platform';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { BookingConfig } from './config/booking.config.js';
import type { SlotReservation } from './reservations/domain/slot-reservation.js';
import { ReservationRepository } from './reservations/infrastructure/reservation.repository.js';
import { RESERVATION_MODEL, type ReservationDocument, ReservationSchema } from './reservations/infrastructure/reservation.schema.js';
import { bookingRetentionRules } from './retention.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * booking-svc's retention table applied to reservations and idempotency records written by its own
 * code, pruned "in the future" (a run `now + n days`). The outbox relay is left out on purpose (nothing
 * is published to the platform's topics): a reservation's SlotReserved stays pending until the test
 * clears it the way the relay does once Kafka has it.
 */
describe('booking-svc retention on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let model: Model<ReservationDocument>;
  let reservations: ReservationRepository;
  const config = new BookingConfig();
  const status = async (id: string) => (await model.findById(id).lean<ReservationDocument>())?.status;
  const published = (id: string) =>
    model.collection.updateOne({ _id: id as never }, { $set: { outbox: [] }, $unset: { outboxPending: 1, outboxPendingSince: 1, outboxLockedUntil: 1 } });

  function reservation(expiresAt: Date): SlotReservation {
    const start = new Date(Date.now() + 3 * DAY);
    return {
      id: randomUUID(),
      providerId: 'p1',
      patientId: `u-${randomUUID()}`,
      serviceId: 's1',
      startTime: start,
      endTime: new Date(start.getTime() + HOUR),
      bufferMinutes: 0,
      status: 'active',
      expiresAt,
      version: 1,
      idempotencyKey: randomUUID(),
      createdAt: new Date(),
    };
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    connection = await connectScratchDatabase(`booking_retention_${uniqueSuffix()}`);
    model = connection.model<ReservationDocument>(RESERVATION_MODEL, ReservationSchema);
    await model.init();
    reservations = new ReservationRepository(model, new AggregateStore(model, relayThatNeverPublishes()));
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('deletes converted and expired reservations after their period once SlotReserved is published, and never one still active', async () => {
    expect([config.RESERVATION_RETENTION_DAYS, config.IDEMPOTENCY_RETENTION_HOURS]).toEqual([30, 24]);
    const now = new Date();
    const converted = (await reservations.insert(reservation(new Date(now.getTime() + 5 * 60_000))))!;
    await reservations.markConverted(converted.id, now);
    const expired = (await reservations.insert(reservation(new Date(now.getTime() - 1_000))))!;
    expect(await reservations.markExpired(expired, now)).toBe(true);
    const unpublished = (await reservations.insert(reservation(new Date(now.getTime() - 1_000))))!;
    expect(await reservations.markExpired(unpublished, now)).toBe(true);
    // Still active: one holding its slot, and one whose time ran out but that the cleanup job has not marked yet.
    const holding = (await reservations.insert(reservation(new Date(now.getTime() + 40 * DAY))))!;
    const lapsed = (await reservations.insert(reservation(new Date(now.getTime() - 1_000))))!;
    for (const { id } of [converted, expired, holding, lapsed]) await published(id);
    const retention = new Retention(connection, bookingRetentionRules(config));

    await retention.prune(new Date(now.getTime() + 20 * DAY));
    expect(await model.countDocuments()).toBe(5);

    await retention.prune(new Date(now.getTime() + 31 * DAY + HOUR));
    expect(await status(converted.id)).toBeUndefined();
    expect(await status(expired.id)).toBeUndefined();
    expect(await status(unpublished.id)).toBe('expired'); // its SlotReserved never reached Kafka
    expect(await status(holding.id)).toBe('active');
    expect(await status(lapsed.id)).toBe('active');
    // The lapsed one goes once the cleanup marks it, a period later.
    expect(await reservations.markExpired(lapsed, new Date(now.getTime() + 31 * DAY + HOUR))).toBe(true);
    await retention.prune(new Date(now.getTime() + 63 * DAY));
    expect(await status(lapsed.id)).toBeUndefined();
    expect(await status(holding.id)).toBe('active');
  });

  it('deletes idempotency records after IDEMPOTENCY_RETENTION_HOURS, and answers a retry within it from the record', async () => {
    const idempotency = new IdempotencyStore(connection);
    idempotency.onModuleInit();
    const scope = { actor: { type: 'patient', id: 'u1' }, operation: 'cancel:b1', key: randomUUID() };
    let runs = 0;
    const execute = async () => ({ status: 200, body: { run: ++runs } });
    await idempotency.run(scope, {}, execute);
    const retention = new Retention(connection, bookingRetentionRules(config));

    await retention.prune(new Date(Date.now() + 12 * HOUR));
    expect(await idempotency.run(scope, {}, execute)).toEqual({ status: 200, body: { run: 1 }, replayed: true });

    await retention.prune(new Date(Date.now() + 3 * DAY));
    expect(await idempotency.run(scope, {}, execute)).toEqual({ status: 200, body: { run: 2 }, replayed: false });
  });
});

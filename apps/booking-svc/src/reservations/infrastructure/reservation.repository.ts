import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore } from '@bp/outbox';
import { utcDayOf } from '@bp/platform';
import type { SlotReservation } from '../domain/slot-reservation.js';
import { RESERVATION_MODEL, type ReservationDocument } from './reservation.schema.js';

function toDomain(doc: ReservationDocument): SlotReservation {
  const { _id, providerId, patientId, serviceId, startTime, endTime, bufferMinutes, status, expiresAt, version, idempotencyKey, createdAt } = doc;
  return { id: _id, providerId, patientId, serviceId, startTime, endTime, bufferMinutes, status, expiresAt, version, idempotencyKey, createdAt };
}

@Injectable()
export class ReservationRepository {
  constructor(
    @InjectModel(RESERVATION_MODEL) private readonly model: Model<ReservationDocument>,
    @InjectAggregateStore(RESERVATION_MODEL) private readonly store: AggregateStore<ReservationDocument>,
  ) {}

  /**
   * Stores the reservation and its SlotReserved event in one document write, then publishes at once.
   * Returns `undefined` when the patient already used this idempotency key.
   */
  async insert(reservation: SlotReservation): Promise<SlotReservation | undefined> {
    const event = buildMessage(
      Topics.bookingEvents,
      'SlotReserved',
      {
        reservationId: reservation.id,
        providerId: reservation.providerId,
        patientId: reservation.patientId,
        serviceId: reservation.serviceId,
        startTime: reservation.startTime.toISOString(),
        endTime: reservation.endTime.toISOString(),
        expiresAt: reservation.expiresAt.toISOString(),
      },
      { id: reservation.id, version: reservation.version },
    );
    const { id, ...fields } = reservation;
    const result = await this.store.insert({ _id: id, ...fields }, [event]);
    return result.ok ? reservation : undefined;
  }

  async findById(id: string): Promise<SlotReservation | undefined> {
    const doc = await this.model.findById(id).lean<ReservationDocument>();
    return doc ? toDomain(doc) : undefined;
  }

  /** The reservation became a booking (its claims now belong to the booking); from now on it only waits for its retention (`day`). */
  async markConverted(id: string, now: Date): Promise<void> {
    await this.store.change({ _id: id, status: 'active' }, { $set: { status: 'converted', convertedAt: now, day: utcDayOf(now) }, $inc: { version: 1 } });
  }

  /** Reservations still holding their slot at `now` that start in [from, to). */
  async findLiveInRange(providerId: string, from: Date, to: Date, now: Date): Promise<SlotReservation[]> {
    const docs = await this.model
      .find({ providerId, status: 'active', expiresAt: { $gt: now }, startTime: { $gte: from, $lt: to } })
      .lean<ReservationDocument[]>();
    return docs.map(toDomain);
  }

  /** Active reservations whose time ran out by `now` (the filter FerretDB pushes down is the status; expiry is checked here). */
  async findLapsed(now: Date, limit: number): Promise<SlotReservation[]> {
    const docs = await this.model.find({ status: 'active' }, { outbox: 0 }).sort({ expiresAt: 1 }).limit(limit).lean<ReservationDocument[]>();
    return docs.filter((doc) => doc.expiresAt.getTime() <= now.getTime()).map(toDomain);
  }

  /** Marks a lapsed reservation expired, on the version read; false if it changed meanwhile (converted, or already expired). */
  async markExpired(reservation: SlotReservation, now: Date): Promise<boolean> {
    return this.store.change(
      { _id: reservation.id, status: 'active', version: reservation.version },
      { $set: { status: 'expired', expiredAt: now, day: utcDayOf(now) }, $inc: { version: 1 } },
    );
  }

  async findByIdempotencyKey(patientId: string, idempotencyKey: string): Promise<SlotReservation | undefined> {
    const doc = await this.model.findOne({ patientId, idempotencyKey }).lean<ReservationDocument>();
    return doc ? toDomain(doc) : undefined;
  }
}

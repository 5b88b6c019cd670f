import { Schema } from 'mongoose';
import { type OutboxFields, withOutboxFields } from '@bp/outbox';

export const RESERVATION_MODEL = 'SlotReservation';
export const RESERVATION_COLLECTION = 'slot_reservations';

export interface ReservationDocument extends OutboxFields {
  _id: string;
  providerId: string;
  patientId: string;
  serviceId: string;
  startTime: Date;
  endTime: Date;
  bufferMinutes: number;
  status: 'active' | 'converted' | 'expired' | 'released';
  expiresAt: Date;
  version: number;
  idempotencyKey: string;
  createdAt: Date;
  /** The UTC day it ended (converted or expired; absent while active): its retention counts from it (RESERVATION_RETENTION_DAYS). */
  day?: string;
}

export const ReservationSchema = withOutboxFields(
  new Schema<ReservationDocument>(
    {
      _id: { type: String, required: true },
      providerId: { type: String, required: true },
      patientId: { type: String, required: true },
      serviceId: { type: String, required: true },
      startTime: { type: Date, required: true },
      endTime: { type: Date, required: true },
      bufferMinutes: { type: Number, required: true },
      status: { type: String, required: true, enum: ['active', 'converted', 'expired', 'released'] },
      // Expiry is enforced by predicates on expiresAt, never by a TTL index (ARCHITECTURE.md).
      expiresAt: { type: Date, required: true },
      version: { type: Number, required: true },
      idempotencyKey: { type: String, required: true },
      createdAt: { type: Date, required: true },
      day: { type: String },
    },
    { collection: RESERVATION_COLLECTION, versionKey: false },
  ),
);

// A retried request (same patient, same key) finds the reservation it already made.
ReservationSchema.index({ patientId: 1, idempotencyKey: 1 }, { unique: true });
ReservationSchema.index({ providerId: 1, startTime: 1, status: 1 });

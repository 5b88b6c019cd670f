import { Schema } from 'mongoose';
import { type OutboxFields, withOutboxFields } from '@bp/outbox';
import type { Booking } from '../domain/booking.js';

export const BOOKING_MODEL = 'Booking';
export const BOOKING_COLLECTION = 'bookings';
/** The audit trail: one document per entry, `<bookingId>:<version>:<n>`, moved out of the booking by the outbox relay. */
export const BOOKING_AUDIT_COLLECTION = 'booking_audit';

/** `createdDay`: the UTC day of `createdAt`, the bucket the admin's list walks (booking-created-days.ts); not part of the aggregate. */
export type BookingDocument = Omit<Booking, 'id'> & OutboxFields & { _id: string; createdDay?: string };

/**
 * One document per booking: its state and its outbox. Each change's audit entries travel in the
 * outbox (the same conditional update as the change, so the trail is complete by construction) and
 * the relay moves them to BOOKING_AUDIT_COLLECTION, so the document stays the same size however long
 * its history. Nested parts are stored as given by the domain (Mixed), validated there.
 */
export const BookingSchema = withOutboxFields(
  new Schema<BookingDocument>(
    {
      _id: { type: String, required: true },
      bookingNumber: { type: String, required: true },
      patientId: { type: String, required: true },
      providerId: { type: String, required: true },
      holdId: { type: String, required: true },
      reservationId: { type: String, required: true },
      service: { type: Schema.Types.Mixed, required: true },
      bookingType: { type: String, required: true, enum: ['instant', 'request'] },
      status: { type: String, required: true },
      dateTime: { type: Schema.Types.Mixed, required: true },
      confirmation: { type: Schema.Types.Mixed, required: true },
      reschedule: { type: Schema.Types.Mixed, required: true },
      payment: { type: Schema.Types.Mixed, required: true },
      cancellation: { type: Schema.Types.Mixed },
      notes: { type: Schema.Types.Mixed, default: {} },
      disputes: { type: Schema.Types.Mixed },
      patientName: { type: String },
      providerName: { type: String },
      confirmedAt: { type: Date },
      needsAdmin: { type: Boolean },
      needsAdminSince: { type: Date },
      needsAdminReason: { type: String },
      version: { type: Number, required: true },
      createdAt: { type: Date, required: true },
      createdDay: { type: String },
      updatedAt: { type: Date, required: true },
    },
    { collection: BOOKING_COLLECTION, versionKey: false, minimize: false },
  ),
);

BookingSchema.index({ bookingNumber: 1 }, { unique: true });
// One booking per reservation: a retried or concurrent create finds the first.
BookingSchema.index({ reservationId: 1 }, { unique: true });
BookingSchema.index({ providerId: 1, status: 1, 'dateTime.requestedStart': 1 }, { name: 'provider_availability_lookup' });
BookingSchema.index({ patientId: 1, status: 1, createdAt: -1 });
BookingSchema.index({ status: 1, 'confirmation.expiresAt': 1 });
// The bookings waiting for an admin: a small set, found by an equality (booking_needs_admin, the admin list).
BookingSchema.index({ needsAdmin: 1 }, { sparse: true });
// Every booking, newest first (the admin's list): a created day at a time, by this equality.
BookingSchema.index({ createdDay: 1 });

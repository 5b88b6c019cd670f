import { Schema } from 'mongoose';
import { type OutboxFields, withOutboxFields } from '@bp/outbox';
import type { Channel } from '../../recipients/domain/preferences.js';
import type { RenderedNotification } from '../domain/render.js';

export const DELIVERY_MODEL = 'Delivery';
export const DELIVERY_COLLECTION = 'deliveries';

/**
 * - `deferred`: held by the recipient's quiet hours until `notBefore`;
 * - `retrying`: a send failed for a reason that may pass; tried again at `notBefore`;
 * - `sending`: taken by one replica (a lease: taken over when it went quiet);
 * - `sent`, `failed` (given up: NotificationFailed is in the outbox);
 * - `skipped`: never sent, for `skippedReason` (CONTACT_UNVERIFIED: the email or phone is not verified).
 */
export type DeliveryStatus = 'deferred' | 'retrying' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface Delivery {
  /** `${eventId}:${role}:${recipientId}:${channel}[:${device}]`, or a digest's `digest:…`: one message, sent once. */
  _id: string;
  /** The booking it is about; a digest lists several in `bookingIds`. */
  bookingId?: string;
  bookingIds?: string[];
  template: string;
  channel: Channel;
  recipient: { role: 'patient' | 'provider'; id: string };
  /** Where it goes (email, device token, phone) and what it says: kept for retries, never shown to admins. */
  address: string;
  message: RenderedNotification;
  status: DeliveryStatus;
  notBefore?: Date;
  attempts: number;
  lastErrorCode?: string;
  lastError?: string;
  providerMessageId?: string;
  createdAt: Date;
  updatedAt: Date;
  sentAt?: Date;
  failedAt?: Date;
  skippedReason?: string;
  /** The UTC day it was sent, given up or skipped (absent before): its retention counts from it (DELIVERY_RETENTION_DAYS). */
  day?: string;
}

export type DeliveryDocument = Delivery & OutboxFields;

/** The delivery records, each carrying its NotificationFailed in its own outbox (one write gives up and tells). */
export const DeliverySchema = withOutboxFields(
  new Schema<DeliveryDocument>({ _id: { type: String, required: true } }, { collection: DELIVERY_COLLECTION, strict: false, versionKey: false }),
);
DeliverySchema.index({ bookingId: 1 });
DeliverySchema.index({ status: 1 });

import type { InboundMessage } from '@bp/messaging';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';

/** What a live-stream subscriber receives: the event as it happened, for the parties it concerns. */
export interface BookingUpdate {
  id: string;
  type: string;
  occurredAt: string;
  aggregateId: string;
  payload: object;
  patientId?: string;
  providerId?: string;
}

export function toBookingUpdate(message: InboundMessage): BookingUpdate {
  const payload = message.payload as { patientId?: unknown; providerId?: unknown };
  return {
    id: message.eventId,
    type: message.type,
    occurredAt: message.occurredAt,
    aggregateId: message.aggregateId,
    payload: message.payload,
    ...(typeof payload.patientId === 'string' ? { patientId: payload.patientId } : {}),
    ...(typeof payload.providerId === 'string' ? { providerId: payload.providerId } : {}),
  };
}

/**
 * What `user` receives of an update: the payment's authentication secret goes to the booking's
 * patient only, and a provider does not learn who holds a mere reservation (a patient becomes known
 * to the provider when they book).
 */
export function asSeenBy(update: BookingUpdate, user: AuthenticatedUser): BookingUpdate {
  if (user.role === 'patient' && update.patientId === user.id) return update;
  const { paymentAction: _secret, ...payload } = update.payload as { paymentAction?: unknown; patientId?: unknown };
  if (user.role === 'provider' && update.type === 'SlotReserved') {
    const { patientId: _who, ...anonymous } = payload as { patientId?: unknown };
    const { patientId: _id, ...rest } = update;
    return { ...rest, payload: anonymous };
  }
  return { ...update, payload };
}

/** A patient sees updates to their own bookings, a provider to bookings with them, an admin everything. */
export function isVisibleTo(update: BookingUpdate, user: AuthenticatedUser): boolean {
  switch (user.role) {
    case 'admin':
      return true;
    case 'patient':
      return update.patientId === user.id;
    case 'provider':
      return update.providerId === user.id;
  }
}

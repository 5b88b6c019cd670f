import { Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';

/** A SlotReserved event for reservation `id`, all its times now: a message to store in an outbox and see published. */
export function slotReserved(id: string): OutgoingMessage {
  const at = new Date().toISOString();
  return buildMessage(
    Topics.bookingEvents,
    'SlotReserved',
    { reservationId: id, providerId: 'p', patientId: 'u', serviceId: 's', startTime: at, endTime: at, expiresAt: at },
    { id, version: 1 },
  );
}

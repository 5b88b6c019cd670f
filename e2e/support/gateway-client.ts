import { randomUUID } from 'node:crypto';
import { waitFor } from '@bp/testing';
import { slotStart } from './internal-api.js';

export interface GatewayAnswer {
  status: number;
  body: any;
}

/** A client app's call to the public API: bearer token, a fresh idempotency key on mutations, JSON in and out. */
export async function gatewayCall(gatewayUrl: string, token: string, method: string, path: string, body?: unknown): Promise<GatewayAnswer> {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(method === 'GET' ? {} : { 'x-idempotency-key': `k-${randomUUID()}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** A patient's request through the public API (reserve, book with the default test card); resolves once it waits for the provider. */
export async function patientRequests(gateway: string, patientToken: string, providerId: string, hoursAhead: number, minuteOffset = 0): Promise<string> {
  const reservation = await gatewayCall(gateway, patientToken, 'POST', '/api/bookings/reserve-slot', {
    providerId,
    serviceId: 'svc-consult',
    startTime: slotStart(hoursAhead, minuteOffset).toISOString(),
  });
  if (reservation.status !== 201) throw new Error(`reservation refused: ${reservation.status} ${JSON.stringify(reservation.body)}`);
  const booking = await gatewayCall(gateway, patientToken, 'POST', '/api/bookings', { reservationId: reservation.body.data.id, patientTimezone: 'UTC' });
  if (booking.status !== 201) throw new Error(`booking refused: ${booking.status} ${JSON.stringify(booking.body)}`);
  const id = booking.body.data.id as string;
  await bookingReaches(gateway, patientToken, id, 'pending_confirmation');
  return id;
}

/** Waits (generously) until the API shows the booking in a status; resolves to the booking. */
export async function bookingReaches(gateway: string, token: string, id: string, status: string, timeoutMs = 30_000): Promise<any> {
  let last: any;
  return waitFor(
    async () => {
      last = (await gatewayCall(gateway, token, 'GET', `/api/bookings/${id}`)).body?.data;
      return last?.status === status ? last : undefined;
    },
    timeoutMs,
    () => `booking ${id} to reach ${status} (last: ${last?.status})`,
  );
}

import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { OutboxRelay } from '@bp/outbox';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { BusyDayStore } from '../../slots/infrastructure/busy-day.store.js';
import type { ReservationDocument } from '../infrastructure/reservation.schema.js';
import { ReservationBusyProjection, reservationBusyEntry } from './reservation-busy-projection.js';

const minute = 60_000;
const start = new Date('2031-06-10T09:00:00Z');
const end = new Date('2031-06-10T09:30:00Z');
const expiresAt = new Date('2031-06-01T10:10:00Z');
/** The reservation's slot and buffer. */
const held = { start: start.getTime(), end: end.getTime() + 15 * minute };

function reservation(providerId: string, fields: Partial<ReservationDocument> = {}): ReservationDocument {
  return {
    _id: `r-${randomUUID()}`,
    providerId,
    patientId: 'u1',
    serviceId: 's1',
    startTime: start,
    endTime: end,
    bufferMinutes: 15,
    status: 'active',
    expiresAt,
    version: 1,
    idempotencyKey: 'k',
    createdAt: new Date('2031-06-01T10:00:00Z'),
    outbox: [],
    ...fields,
  } as ReservationDocument;
}

describe('ReservationBusyProjection', () => {
  it('makes an active or converted reservation take its slot and buffer until it lapses, and an expired or released one give it back', () => {
    const now = new Date('2031-06-01T10:05:00Z');
    const base = { id: 'r1', startTime: start, endTime: end, bufferMinutes: 15, expiresAt, version: 2 };
    for (const status of ['active', 'converted'] as const)
      expect(reservationBusyEntry({ ...base, status }, now)).toEqual({ key: 'r:r1', ...held, expiresAt: expiresAt.getTime(), version: 2, goneAt: 0 });
    for (const status of ['expired', 'released'] as const)
      expect(reservationBusyEntry({ ...base, status }, now)).toEqual({ key: 'r:r1', ...held, expiresAt: 0, version: 2, goneAt: now.getTime() });
  });

  describe('on the real busy-day store', () => {
    let connection: Connection;
    let store: BusyDayStore;
    let projection: ReservationBusyProjection;
    const hooks = new Map<string, (doc: Record<string, unknown>) => Promise<void>>();
    const relay = { afterCommit: (collection: string, hook: (doc: Record<string, unknown>) => Promise<void>) => hooks.set(collection, hook) };
    const busy = (providerId: string, readAt: Date) =>
      store.busyBetween(providerId, new Date('2031-06-10T00:00:00Z'), new Date('2031-06-11T00:00:00Z'), readAt);
    const beforeExpiry = new Date(expiresAt.getTime() - 1);
    const newProvider = () => `provider-${randomUUID()}`;

    beforeAll(async () => {
      connection = await connectScratchDatabase(`reservation_busy_${uniqueSuffix()}`);
      store = new BusyDayStore(connection);
      await store.onModuleInit();
      projection = new ReservationBusyProjection(relay as unknown as OutboxRelay, store);
      projection.onModuleInit();
    });

    afterAll(async () => {
      await dropScratchDatabase(connection);
    });

    it('is registered with the outbox relay for reservations: a committed reservation takes its slot until it lapses', async () => {
      const providerId = newProvider();
      await hooks.get('slot_reservations')!(reservation(providerId) as unknown as Record<string, unknown>);

      expect(await busy(providerId, beforeExpiry)).toEqual([held]);
      expect(await busy(providerId, expiresAt)).toEqual([]);
    });

    it('gives the slot back when the reservation expires or is released, and an older state arriving late or again does not take it back', async () => {
      for (const status of ['expired', 'released'] as const) {
        const providerId = newProvider();
        const active = reservation(providerId);
        const ended = { ...active, status, version: 2 };
        await projection.project(active);
        expect([status, await busy(providerId, beforeExpiry)]).toEqual([status, [held]]);

        await projection.project(ended);
        expect([status, await busy(providerId, beforeExpiry)]).toEqual([status, []]);

        await Promise.all([projection.project(active), projection.project(ended), projection.project(active)]);
        expect([status, await busy(providerId, beforeExpiry)]).toEqual([status, []]);
      }
    });

    it('keeps the slot of a converted reservation until it would have lapsed (the booking takes over from there)', async () => {
      const providerId = newProvider();
      const active = reservation(providerId);
      await projection.project({ ...active, status: 'converted', version: 2 });
      await projection.project(active);
      expect(await busy(providerId, beforeExpiry)).toEqual([held]);
      expect(await busy(providerId, expiresAt)).toEqual([]);
    });

    it('reads a document another writer stored with dates as strings and no buffer', async () => {
      const providerId = newProvider();
      const { bufferMinutes: _none, ...rest } = reservation(providerId);
      const stored = { ...rest, startTime: start.toISOString(), endTime: end.toISOString(), expiresAt: expiresAt.toISOString() };
      await projection.project(stored as unknown as ReservationDocument);
      expect(await busy(providerId, beforeExpiry)).toEqual([{ start: start.getTime(), end: end.getTime() }]);
    });
  });
});

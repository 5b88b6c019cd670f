import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { OutboxRelay } from '@bp/outbox';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { decodeEntries } from '../../slots/domain/busy-day.js';
import { BusyDayStore } from '../../slots/infrastructure/busy-day.store.js';
import type { Booking } from '../domain/booking.js';
import { BOOKING_STATUSES, SLOT_HOLDING_STATUSES } from '../domain/booking-status.js';
import * as t from '../domain/booking-transitions.js';
import { TEST_RULES, actors, createdChange, testReservation } from '../domain/booking.fixtures.js';
import type { BookingDocument } from '../infrastructure/booking.schema.js';
import { BookingBusyProjection, bookingBusyEntries } from './booking-busy-projection.js';

const minute = 60_000;
const t0 = new Date('2031-05-01T10:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * minute);
const { patient, provider, system } = actors;
const rules: t.TransitionRules = { ...TEST_RULES, cancellationFeePercent: 0 };
/** The booked slot (10 May) and the time the provider proposes instead (11 May): different UTC days. */
const slot = { start: new Date('2031-05-10T16:00:00Z'), end: new Date('2031-05-10T16:30:00Z') };
const proposal = { start: new Date('2031-05-11T16:00:00Z'), end: new Date('2031-05-11T16:30:00Z') };
const BUFFER = 15;
const span = (s: { start: Date; end: Date }) => ({ start: s.start.getTime(), end: s.end.getTime() + BUFFER * minute });

/** A booking through the real transitions, from its creation to a pending request. */
function bookingStates(providerId: string) {
  const id = `b-${randomUUID()}`;
  const reservation = testReservation({ id: `r-${randomUUID()}`, providerId, startTime: slot.start, bufferMinutes: BUFFER, createdAt: t0 });
  const created = createdChange({ reservation, id, bookingNumber: `FH-20310501-${id.slice(2, 7).toUpperCase()}`, now: at(1) }).booking;
  const pending = t.recordHoldPlaced(created, 'pi_1', rules, { actor: system, now: at(2) }).booking;
  const propose = () =>
    t.proposeReschedule(pending, { ...proposal, holdId: `${id}:p1` }, rules, { actor: { ...provider, id: providerId }, now: at(10) }).booking;
  return { created, pending, propose };
}

describe('BookingBusyProjection', () => {
  describe('bookingBusyEntries', () => {
    const { pending } = bookingStates('p1');
    const now = new Date('2031-05-02T00:00:00Z');

    it('makes a slot-holding booking take its slot and buffer for good, and any other status give it back', () => {
      for (const status of BOOKING_STATUSES) {
        const entries = bookingBusyEntries({ ...pending, status }, now);
        const key = `b:${pending.id}:${slot.start.getTime()}`;
        const { start, end } = span(slot);
        const holds = SLOT_HOLDING_STATUSES.includes(status);
        expect([status, entries]).toEqual([status, [{ key, start, end, expiresAt: 0, version: pending.version, goneAt: holds ? 0 : now.getTime() }]]);
      }
    });

    it('holds an open proposal until its response deadline beside the current slot, and frees the old slot once accepted', () => {
      const proposed = bookingStates('p1').propose();
      const deadline = proposed.reschedule.current!.responseDeadline;
      const [p, b] = [`p:${proposed.id}:${proposal.start.getTime()}`, `b:${proposed.id}:${slot.start.getTime()}`];
      expect(bookingBusyEntries(proposed, now)).toEqual([
        { key: p, ...span(proposal), expiresAt: deadline.getTime(), version: proposed.version, goneAt: 0 },
        { key: b, ...span(slot), expiresAt: 0, version: proposed.version, goneAt: 0 },
      ]);

      const accepted = t.acceptReschedule(proposed, { actor: patient, now: at(20) }).booking;
      const moved = `b:${proposed.id}:${proposal.start.getTime()}`;
      expect(bookingBusyEntries(accepted, now)).toEqual([
        { key: p, ...span(proposal), expiresAt: 0, version: accepted.version, goneAt: now.getTime() },
        { key: b, ...span(slot), expiresAt: 0, version: accepted.version, goneAt: now.getTime() },
        { key: moved, ...span(proposal), expiresAt: 0, version: accepted.version, goneAt: 0 },
      ]);
    });
  });

  describe('on the real busy-day store', () => {
    let connection: Connection;
    let store: BusyDayStore;
    let projection: BookingBusyProjection;
    const hooks = new Map<string, (doc: Record<string, unknown>) => Promise<void>>();
    const relay = { afterCommit: (collection: string, hook: (doc: Record<string, unknown>) => Promise<void>) => hooks.set(collection, hook) };
    /** Read as availability reads it, a moment after the writes (read well before any deadline unless told). */
    const busyOn = (providerId: string, day: string, readAt = new Date()) =>
      store.busyBetween(providerId, new Date(`${day}T00:00:00Z`), new Date(`${day}T23:59:59.999Z`), readAt);
    const keysOn = async (providerId: string, day: string) =>
      decodeEntries((await connection.collection('busy_days').findOne({ _id: `${providerId}|${day}` as never }))?.['entries'] as string | undefined);
    const project = (booking: Booking) => projection.project(booking);
    const newProvider = () => `provider-${randomUUID()}`;

    beforeAll(async () => {
      connection = await connectScratchDatabase(`booking_busy_${uniqueSuffix()}`);
      store = new BusyDayStore(connection);
      await store.onModuleInit();
      projection = new BookingBusyProjection(relay as unknown as OutboxRelay, store);
      projection.onModuleInit();
    });

    afterAll(async () => {
      await dropScratchDatabase(connection);
    });

    it('is registered with the outbox relay for bookings, and projects a booking document as the relay hands it over', async () => {
      const providerId = newProvider();
      const { pending } = bookingStates(providerId);
      const { id, ...rest } = pending;
      const doc: BookingDocument = { _id: id, ...rest, outbox: [], outboxRevision: 3 } as unknown as BookingDocument;

      await hooks.get('bookings')!(doc as unknown as Record<string, unknown>);

      expect(await busyOn(providerId, '2031-05-10')).toEqual([span(slot)]);
    });

    it('takes the slot while the booking holds it and gives it back when the patient cancels, the provider declines or the request expires', async () => {
      const ends: Array<[string, (pending: Booking) => Booking]> = [
        ['cancelled', (b) => t.cancel(b, 'sick', rules, { actor: patient, now: at(30) }).booking],
        ['declined', (b) => t.decline(b, 'full', { actor: { ...provider, id: b.providerId }, now: at(30) }).booking],
        ['expired', (b) => t.expire(b, 'confirmation', { actor: system, now: b.confirmation.expiresAt! }).booking],
      ];
      for (const [how, end] of ends) {
        const providerId = newProvider();
        const { created, pending } = bookingStates(providerId);
        await project(created);
        expect([how, await busyOn(providerId, '2031-05-10')]).toEqual([how, [span(slot)]]);
        await project(pending);
        expect([how, await busyOn(providerId, '2031-05-10')]).toEqual([how, [span(slot)]]);

        const ended = end(pending);
        await project(ended);
        expect([how, ended.status, await busyOn(providerId, '2031-05-10')]).toEqual([how, expect.any(String), []]);

        // The earlier states delivered again, late and twice: the slot stays free.
        await project(pending);
        await Promise.all([project(created), project(ended), project(pending)]);
        expect([how, await busyOn(providerId, '2031-05-10')]).toEqual([how, []]);
      }
    });

    it('moves the busy time to the new day when the patient accepts a reschedule, the old day losing it', async () => {
      const providerId = newProvider();
      const { pending, propose } = bookingStates(providerId);
      const proposed = propose();
      const deadline = proposed.reschedule.current!.responseDeadline;
      await project(pending);
      await project(proposed);
      // While the proposal is open both times are held; the proposal lapses by itself at its deadline.
      expect(await busyOn(providerId, '2031-05-10')).toEqual([span(slot)]);
      expect(await busyOn(providerId, '2031-05-11')).toEqual([span(proposal)]);
      expect(await busyOn(providerId, '2031-05-11', deadline)).toEqual([]);

      const accepted = t.acceptReschedule(proposed, { actor: patient, now: at(20) }).booking;
      await project(accepted);
      expect(await busyOn(providerId, '2031-05-10')).toEqual([]);
      expect(await busyOn(providerId, '2031-05-11')).toEqual([span(proposal)]);
      // Now for good: no longer lapsing at the proposal's deadline.
      expect(await busyOn(providerId, '2031-05-11', deadline)).toEqual([span(proposal)]);

      // The confirmation that follows changes nothing; the proposal and the old state arriving late do not undo the move.
      const confirmed = t.recordCaptured(accepted, 10_000, { actor: system, now: at(21) }).booking;
      await Promise.all([project(confirmed), project(proposed), project(pending), project(proposed)]);
      expect(await busyOn(providerId, '2031-05-10')).toEqual([]);
      expect(await busyOn(providerId, '2031-05-11', deadline)).toEqual([span(proposal)]);
      expect((await keysOn(providerId, '2031-05-10')).map((e) => [e.key, e.goneAt > 0])).toEqual([[`b:${pending.id}:${slot.start.getTime()}`, true]]);
    });

    it('ends with the same busy times whatever order a rescheduled booking’s states are projected in', async () => {
      const { created, pending, propose } = bookingStates('any');
      const proposed = propose();
      const accepted = t.acceptReschedule(proposed, { actor: patient, now: at(20) }).booking;
      const states = [created, pending, proposed, accepted];
      const orders = permutations([0, 1, 2, 3]);
      expect(orders).toHaveLength(24);
      for (const order of orders) {
        const providerId = newProvider();
        for (const i of order) await project({ ...states[i]!, providerId });
        const busy = [await busyOn(providerId, '2031-05-10'), await busyOn(providerId, '2031-05-11', proposed.reschedule.current!.responseDeadline)];
        expect([order, busy]).toEqual([order, [[], [span(proposal)]]]);
      }
    });

    it('gives both times back when the patient declines the proposal or it expires unanswered', async () => {
      const ends: Array<[string, (proposed: Booking) => Booking]> = [
        ['declined', (b) => t.declineReschedule(b, { actor: patient, now: at(20) }).booking],
        ['expired', (b) => t.expire(b, 'reschedule_response', { actor: system, now: b.reschedule.current!.responseDeadline }).booking],
        ['cancelled', (b) => t.cancel(b, undefined, rules, { actor: patient, now: at(20) }).booking],
      ];
      for (const [how, end] of ends) {
        const providerId = newProvider();
        const proposed = bookingStates(providerId).propose();
        await project(proposed);
        await project(end(proposed));
        await project(proposed);
        expect([how, await busyOn(providerId, '2031-05-10'), await busyOn(providerId, '2031-05-11')]).toEqual([how, [], []]);
      }
    });
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

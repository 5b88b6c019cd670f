import { defineMigration } from '@bp/platform';
import { bookingBusyEntries } from '../bookings/application/booking-busy-projection.js';
import type { BookingDocument } from '../bookings/infrastructure/booking.schema.js';
import { toBooking } from '../bookings/infrastructure/booking.repository.js';
import { reservationBusyEntry } from '../reservations/application/reservation-busy-projection.js';
import type { ReservationDocument } from '../reservations/infrastructure/reservation.schema.js';
import { type BusyEntry, applyBusyUpdates, busyDayId, busyMonthKey, decodeEntries, encodeBusy, encodeEntries, utcDay } from '../slots/domain/busy-day.js';

/*
 * Builds the availability read model (`busy_days`, slots/domain/busy-day.ts) from the bookings and
 * live reservations already in the database; from then on the outbox relay keeps it in step. The
 * read model is a projection, so this uses the projection's own rules (imported, unlike a migration's
 * default values): rebuilding it any time gives the same documents, and entries are versioned, so
 * running `up` again, or while the service writes, changes nothing that is newer. Only what still
 * takes time is read: bookings in a slot-holding status, active reservations.
 *
 * `down` drops `busy_days` (the release before this one computed availability from the bookings).
 */
const HOLDING: BookingDocument['status'][] = [
  'slot_reserved',
  'pending_payment',
  'pending_confirmation',
  'reschedule_proposed',
  'reschedule_pending',
  'confirmed',
  'checked_in',
  'in_progress',
  'payment_failed',
];

export const busyDays = defineMigration(
  {
    version: '20261205000100',
    name: 'busy-days',
    async up({ db, log }) {
      const now = new Date();
      const byDay = new Map<string, { providerId: string; entries: BusyEntry[] }>();
      const add = (providerId: string, entries: BusyEntry[]) => {
        for (const entry of entries) {
          const id = busyDayId(providerId, utcDay(entry.start));
          const day = byDay.get(id) ?? { providerId, entries: [] };
          day.entries.push(entry);
          byDay.set(id, day);
        }
      };
      for (const status of HOLDING) {
        for await (const doc of db.collection<BookingDocument>('bookings').find({ status })) {
          if (doc.dateTime?.requestedStart instanceof Date && doc.reschedule) add(doc.providerId, bookingBusyEntries(toBooking(doc), now));
        }
      }
      for await (const doc of db.collection<ReservationDocument>('slot_reservations').find({ status: 'active' })) {
        if (doc.startTime instanceof Date && doc.endTime instanceof Date) add(doc.providerId, [reservationBusyEntry({ ...doc, id: doc._id }, now)]);
      }

      const days = db.collection<{ _id: string; providerId: string; month: string; v: number; entries: string; updatedAt: Date }>('busy_days');
      await days.createIndex({ month: 1 });
      let written = 0;
      for (const [id, { providerId, entries }] of byDay) {
        for (let attempt = 0; ; attempt++) {
          const doc = await days.findOne({ _id: id });
          const next = applyBusyUpdates(decodeEntries(doc?.entries), entries, now.getTime());
          if (!next) break;
          const fields = { entries: encodeEntries(next), busy: encodeBusy(next, now.getTime()), updatedAt: now };
          const done = doc
            ? (await days.updateOne({ _id: id, v: doc.v }, { $set: { ...fields, v: doc.v + 1 } })).matchedCount === 1
            : await days.insertOne({ _id: id, providerId, month: busyMonthKey(providerId, id.slice(-10, -3)), v: 1, ...fields }).then(
                () => true,
                () => false,
              );
          if (done) {
            written++;
            break;
          }
          if (attempt >= 20) throw new Error(`busy day ${id} kept changing while it was built`);
        }
      }
      log(`busy_days: ${written} day(s) written from ${byDay.size} day(s) with holds`);
    },
    async down({ db, log }) {
      await db
        .collection('busy_days')
        .drop()
        .catch(() => undefined);
      log('busy_days dropped');
    },
  },
  import.meta.url,
);

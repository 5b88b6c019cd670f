import { defineMigration } from '@bp/platform';
import { talliesOf } from '../bookings/domain/booking-tallies.js';
import type { BookingDocument } from '../bookings/infrastructure/booking.schema.js';
import { toBooking } from '../bookings/infrastructure/booking.repository.js';

/*
 * Builds the booking tallies (bookings/domain/booking-tallies.ts) from the bookings already here: a
 * marker per waiting request and per request expired in the last 31 days, and their counters; from
 * then on the outbox relay keeps them. Like every projection it follows the projection's own rules
 * (imported). A marker already there (the service wrote it) is skipped with its counters, so running
 * `up` again counts nothing twice. `down` drops both collections (the release before counted from the
 * bookings).
 */
const DUPLICATE_KEY = 11000;
const RECENT_MS = 31 * 86_400_000;

export const bookingTallies = defineMigration(
  {
    version: '20261205000600',
    name: 'booking-tallies',
    async up({ db, log }) {
      const markers = db.collection<{ _id: string; counters: string[]; day?: string }>('booking_tally_markers');
      const counters = db.collection<{ _id: string; n: number }>('booking_tallies');
      const since = Date.now() - RECENT_MS;
      let entered = 0;
      for (const status of ['pending_confirmation', 'expired'] as const) {
        for await (const doc of db.collection<BookingDocument>('bookings').find({ status })) {
          if (!(doc.updatedAt instanceof Date) || !doc.confirmation) continue;
          if (status === 'expired' && doc.updatedAt.getTime() < since) continue;
          for (const { kind, bookingId, counters: list } of talliesOf(toBooking(doc))) {
            const day = list.find((c) => c.kind === 'expired-day')?.at;
            try {
              await markers.insertOne({ _id: `${kind}|${bookingId}`, counters: list.map((c) => c.id), ...(day ? { day } : {}) });
            } catch (error) {
              if ((error as { code?: number }).code === DUPLICATE_KEY) continue;
              throw error;
            }
            for (const { id, ...counter } of list) {
              const fields = { ...counter, ...(counter.kind.startsWith('expired') && counter.at ? { day: counter.at } : {}) };
              await counters.updateOne({ _id: id }, { $inc: { n: 1 }, $setOnInsert: fields }, { upsert: true });
            }
            entered++;
          }
        }
      }
      await counters.createIndex({ kind: 1 });
      log(`booking tallies: ${entered} booking(s) counted`);
    },
    async down({ db, log }) {
      for (const name of ['booking_tally_markers', 'booking_tallies']) {
        await db
          .collection(name)
          .drop()
          .catch(() => undefined);
      }
      log('booking tallies dropped');
    },
  },
  import.meta.url,
);

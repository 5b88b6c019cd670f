import { defineMigration } from '@bp/platform';

/*
 * A booking's audit trail moves out of the booking (an array that grew with every change and was read
 * with every read of the booking) into `booking_audit`, one document per entry. `up` copies each
 * booking's entries there, with the ids the service gives them (`<bookingId>:<version>:0`, one entry
 * per change, so entry i is version i + 1: the same id whichever writes it), then removes the array,
 * conditionally on the version it read (a booking changed meanwhile is read again). `down` puts each
 * booking's entries back into its `audit` array, in order, and drops the collection.
 */
interface Entry {
  eventType: string;
  [field: string]: unknown;
}

interface Booking {
  _id: string;
  version: number;
  audit?: Entry[];
}

interface AuditDocument extends Entry {
  _id: string;
  bookingId: string;
  version: number;
  n: number;
}

const DUPLICATE_KEY = 11000;

async function insertIgnoringDuplicates(insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (error) {
    const e = error as { code?: number; writeErrors?: Array<{ code?: number }> };
    const codes = e.writeErrors?.map((w) => w.code) ?? [e.code];
    if (!codes.every((code) => code === DUPLICATE_KEY)) throw error;
  }
}

export const bookingAuditCollection = defineMigration(
  {
    version: '20261205000300',
    name: 'booking-audit-collection',
    async up({ db, log }) {
      const bookings = db.collection<Booking>('bookings');
      const audit = db.collection<AuditDocument>('booking_audit');
      await audit.createIndex({ bookingId: 1 });
      let moved = 0;
      for await (const { _id } of bookings.find({ audit: { $exists: true } }, { projection: { _id: 1 } })) {
        for (let attempt = 0; ; attempt++) {
          const booking = await bookings.findOne({ _id });
          if (!booking?.audit) break;
          const documents = booking.audit.map((entry, i) => ({ ...entry, _id: `${_id}:${i + 1}:0`, bookingId: _id, version: i + 1, n: 0 }));
          if (documents.length > 0) await insertIgnoringDuplicates(() => audit.insertMany(documents, { ordered: false }));
          if ((await bookings.updateOne({ _id, version: booking.version }, { $unset: { audit: '' } })).modifiedCount === 1) {
            moved++;
            break;
          }
          if (attempt >= 5) throw new Error(`booking ${_id} kept changing while its audit trail was moved`);
        }
      }
      log(`booking_audit: the trails of ${moved} booking(s) moved out of the bookings`);
    },
    async down({ db, log }) {
      const bookings = db.collection<Booking>('bookings');
      const byBooking = new Map<string, AuditDocument[]>();
      for await (const entry of db.collection<AuditDocument>('booking_audit').find({}))
        byBooking.set(entry.bookingId, [...(byBooking.get(entry.bookingId) ?? []), entry]);
      for (const [bookingId, entries] of byBooking) {
        const trail = entries.sort((a, b) => a.version - b.version || a.n - b.n).map(({ _id, bookingId: _b, version: _v, n: _n, ...entry }) => entry);
        await bookings.updateOne({ _id: bookingId }, { $set: { audit: trail } });
      }
      // The release before appends to `audit` on every change: a booking whose trail was empty gets one.
      await bookings.updateMany({ audit: { $exists: false } }, { $set: { audit: [] } });
      await db
        .collection('booking_audit')
        .drop()
        .catch(() => undefined);
      log(`bookings: ${byBooking.size} audit trail(s) put back; booking_audit dropped`);
    },
  },
  import.meta.url,
);

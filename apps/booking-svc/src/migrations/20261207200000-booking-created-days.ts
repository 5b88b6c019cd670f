import { defineMigration } from '@bp/platform';

/*
 * Every booking gets `createdDay`, the UTC day of its `createdAt`, indexed, and `booking_created_days`
 * records the oldest such day: the admin's list of every booking walks back a day at a time by that
 * equality, down to that day, instead of sorting the whole collection (which the local engine does by
 * reading every booking). New bookings get their day when written. Each write is conditional on the
 * booking still lacking its day; the oldest day is only ever lowered. `down` removes the field, the
 * index and the record.
 */
interface Booking {
  _id: string;
  createdAt?: Date;
  createdDay?: string;
}

interface OldestDay {
  _id: string;
  day: string;
}

const INDEX = 'createdDay_1';

export const bookingCreatedDays = defineMigration(
  {
    version: '20261207200000',
    name: 'booking-created-days',
    async up({ db, log }) {
      const bookings = db.collection<Booking>('bookings');
      let set = 0;
      let oldest: string | undefined;
      for await (const booking of bookings.find({ createdDay: { $exists: false } }, { projection: { createdAt: 1 } })) {
        const createdDay = (booking.createdAt instanceof Date ? booking.createdAt : new Date()).toISOString().slice(0, 10);
        set += (await bookings.updateOne({ _id: booking._id, createdDay: { $exists: false } }, { $set: { createdDay } })).modifiedCount;
        if (oldest === undefined || createdDay < oldest) oldest = createdDay;
      }
      await bookings.createIndex({ createdDay: 1 }, { name: INDEX });
      if (oldest !== undefined)
        await db.collection<OldestDay>('booking_created_days').updateOne({ _id: 'oldest' }, { $min: { day: oldest } }, { upsert: true });
      log(`bookings: ${set} booking(s) given their created day${oldest ? `, the oldest ${oldest}` : ''}`);
    },
    async down({ db, log }) {
      const bookings = db.collection<Booking>('bookings');
      await bookings.dropIndex(INDEX).catch(() => undefined);
      const { modifiedCount } = await bookings.updateMany({ createdDay: { $exists: true } }, { $unset: { createdDay: '' } });
      await db.collection<OldestDay>('booking_created_days').deleteOne({ _id: 'oldest' });
      log(`bookings: created days removed from ${modifiedCount} booking(s)`);
    },
  },
  import.meta.url,
);

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { RecentMap, insertNew } from '@bp/platform';
import type { BookingParties } from '../domain/notifications-for.js';

type PartiesDocument = Omit<BookingParties, 'bookingId'> & { _id: string };

/** Bookings whose parties this process wrote, remembered: every status change of a booking repeats them. */
const REMEMBERED_BOOKINGS = 20_000;

/** What notification-svc knows of each booking from its events: parties, zones, number (for refunds and reminders). */
@Injectable()
export class BookingDirectory implements OnModuleInit {
  private bookings!: Collection<PartiesDocument>;
  /** What this process last wrote per booking (nothing else writes or removes them), as JSON. */
  private readonly written = new RecentMap<string>(REMEMBERED_BOOKINGS);

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.bookings = this.connection.collection<PartiesDocument>('booking_parties');
  }

  /**
   * Writes the booking's parties unless this process wrote the same a moment ago; true when it wrote.
   * A booking this process has not written is most likely new (its first event): it is inserted, one
   * statement where an upsert reads first on FerretDB, and replaced only when it was there already.
   */
  async remember(parties: BookingParties): Promise<boolean> {
    const { bookingId, ...rest } = parties;
    const json = JSON.stringify(rest);
    const written = this.written.get(bookingId);
    if (written === json) return false;
    const inserted = written === undefined && (await insertNew(this.bookings, [{ _id: bookingId, ...rest }])) === 1;
    if (!inserted) await this.bookings.replaceOne({ _id: bookingId }, rest, { upsert: true });
    this.written.set(bookingId, json);
    return true;
  }

  async find(bookingId: string): Promise<BookingParties | undefined> {
    const doc = await this.bookings.findOne({ _id: bookingId });
    if (!doc) return undefined;
    const { _id, ...rest } = doc;
    return { bookingId: _id, ...rest };
  }
}

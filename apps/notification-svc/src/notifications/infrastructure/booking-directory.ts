import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { RecentMap } from '@bp/platform';
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

  /** Stores a booking's parties; the same parties again (the booking's next status change) cost nothing. */
  /** Writes the booking's parties unless this process wrote the same a moment ago; true when it wrote. */
  async remember(parties: BookingParties): Promise<boolean> {
    const { bookingId, ...rest } = parties;
    const json = JSON.stringify(rest);
    if (this.written.get(bookingId) === json) return false;
    await this.bookings.replaceOne({ _id: bookingId }, rest, { upsert: true });
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

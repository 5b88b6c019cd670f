import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import type { BookingParties } from '../domain/notifications-for.js';

type PartiesDocument = Omit<BookingParties, 'bookingId'> & { _id: string };

/** What notification-svc knows of each booking from its events: parties, zones, number (for refunds and reminders). */
@Injectable()
export class BookingDirectory implements OnModuleInit {
  private bookings!: Collection<PartiesDocument>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.bookings = this.connection.collection<PartiesDocument>('booking_parties');
  }

  async remember(parties: BookingParties): Promise<void> {
    const { bookingId, ...rest } = parties;
    await this.bookings.replaceOne({ _id: bookingId }, rest, { upsert: true });
  }

  async find(bookingId: string): Promise<BookingParties | undefined> {
    const doc = await this.bookings.findOne({ _id: bookingId });
    if (!doc) return undefined;
    const { _id, ...rest } = doc;
    return { bookingId: _id, ...rest };
  }
}

import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Controller } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { Topics } from '@bp/contracts';
import { type InboundMessage, OnAnyMessage } from '@bp/messaging';
import { type BookingUpdate, toBookingUpdate } from './booking-update.js';

/** This replica's fan-out point: every booking event it consumes goes to its connected subscribers. */
@Injectable()
export class BookingStreamHub implements BeforeApplicationShutdown {
  private readonly updates = new Subject<BookingUpdate>();
  private readonly closing = new Subject<void>();

  publish(update: BookingUpdate): void {
    this.updates.next(update);
  }

  stream(): Observable<BookingUpdate> {
    return this.updates.asObservable();
  }

  /** Emits once when the replica shuts down; open streams end then, so the HTTP server can close. */
  shuttingDown(): Observable<void> {
    return this.closing.asObservable();
  }

  beforeApplicationShutdown(): void {
    this.closing.next();
    this.closing.complete();
  }
}

@Controller()
export class BookingEventsConsumer {
  constructor(private readonly hub: BookingStreamHub) {}

  @OnAnyMessage(Topics.bookingEvents)
  onBookingEvent(@Payload() message: InboundMessage) {
    this.hub.publish(toBookingUpdate(message));
  }
}

import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Controller } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { Topics } from '@bp/contracts';
import { type InboundMessage, OnAnyMessage } from '@bp/messaging';
import { type BookingUpdate, toBookingUpdate } from './booking-update.js';

/** How many recent updates a replica keeps for clients resuming with Last-Event-ID. */
const RECENT_UPDATES = 2000;

/**
 * This replica's fan-out point: every booking event it consumes goes to its connected subscribers,
 * and the most recent ones are kept so a client that reconnects with Last-Event-ID (to this or any
 * other replica: each consumes every event) gets what it missed.
 */
@Injectable()
export class BookingStreamHub implements BeforeApplicationShutdown {
  private readonly updates = new Subject<BookingUpdate>();
  private readonly closing = new Subject<void>();
  private readonly recent: BookingUpdate[] = [];
  private readonly openByUser = new Map<string, number>();

  /** Counts a stream of this user as open, unless they already hold `max`; the returned release undoes it once. */
  open(userKey: string, max: number): (() => void) | undefined {
    const open = this.openByUser.get(userKey) ?? 0;
    if (open >= max) return undefined;
    this.openByUser.set(userKey, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.openByUser.get(userKey) ?? 1) - 1;
      if (left > 0) this.openByUser.set(userKey, left);
      else this.openByUser.delete(userKey);
    };
  }

  publish(update: BookingUpdate): void {
    this.recent.push(update);
    if (this.recent.length > RECENT_UPDATES) this.recent.splice(0, this.recent.length - RECENT_UPDATES);
    this.updates.next(update);
  }

  /**
   * The live updates, preceded by those after `lastEventId` when that id is still in the recent
   * window (replay and live join in one tick, so nothing falls between them). `resumed` says whether
   * the id was found; if not, the client should reload its state.
   */
  stream(lastEventId?: string): { resumed: boolean; updates: Observable<BookingUpdate> } {
    const index = lastEventId ? this.recent.findIndex((u) => u.id === lastEventId) : -1;
    const missed = index >= 0 ? this.recent.slice(index + 1) : [];
    const updates = new Observable<BookingUpdate>((subscriber) => {
      for (const update of missed) subscriber.next(update);
      return this.updates.subscribe(subscriber);
    });
    return { resumed: index >= 0, updates };
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

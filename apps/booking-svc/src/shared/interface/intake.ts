import { Injectable } from '@nestjs/common';
import { consumerDelay } from '@bp/messaging';
import { ApiError, OVERLOADED, shedRequests } from '@bp/platform';
import { BookingConfig } from '../../config/booking.config.js';

/**
 * The door for new bookings: while the bookings already made wait in Kafka for their payment and
 * confirmation (this process's consumers running more than INTAKE_MAX_CONSUMER_DELAY_MS behind),
 * a new reservation is refused with 503 OVERLOADED and Retry-After instead of adding to the queue;
 * what was started (a reservation being booked, an answer, a cancellation) goes on.
 */
@Injectable()
export class Intake {
  constructor(private readonly config: BookingConfig) {
    shedRequests().inc({ reason: 'consumer_delay' }, 0);
  }

  assertOpen(): void {
    const limit = this.config.INTAKE_MAX_CONSUMER_DELAY_MS;
    if (limit === 0) return;
    const behindMs = consumerDelay.currentMs();
    if (behindMs <= limit) return;
    shedRequests().inc({ reason: 'consumer_delay' });
    throw new ApiError(
      503,
      OVERLOADED,
      'Bookings are being processed more slowly than they arrive; retry after the time in Retry-After',
      { retryAfterSeconds: 1 },
      1,
    );
  }
}

import { Injectable } from '@nestjs/common';
import { FeatureFlags, consumerDelay } from '@bp/messaging';
import { ApiError, OVERLOADED, shedRequests } from '@bp/platform';
import { BookingConfig } from '../../config/booking.config.js';

/**
 * The door for new bookings. While `booking.disable_all_bookings` is on, new reservations and
 * bookings are refused with 503 BOOKINGS_DISABLED (here, where they are made: the flags a replica
 * answers from survive a start while Kafka is away, docs/kafka-consumers.md). While the bookings
 * already made wait in Kafka for their payment and confirmation (this process's consumers running
 * more than INTAKE_MAX_CONSUMER_DELAY_MS behind), a new reservation is refused with 503 OVERLOADED
 * and Retry-After instead of adding to the queue; what was started (an answer, a cancellation) goes on.
 */
@Injectable()
export class Intake {
  constructor(
    private readonly config: BookingConfig,
    private readonly flags: FeatureFlags,
  ) {
    shedRequests().inc({ reason: 'consumer_delay' }, 0);
  }

  async assertBookingsEnabled(): Promise<void> {
    if (await this.flags.isEnabled('booking.disable_all_bookings'))
      throw new ApiError(503, 'BOOKINGS_DISABLED', 'New bookings are paused for the moment; please try again later');
  }

  /** For a new reservation: bookings enabled, and the pipeline keeping up. */
  async assertOpen(): Promise<void> {
    await this.assertBookingsEnabled();
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

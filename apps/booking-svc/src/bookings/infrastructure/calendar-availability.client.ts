import { Injectable, Logger } from '@nestjs/common';
import { InternalHttpClient } from '@bp/platform';
import { BookingConfig } from '../../config/booking.config.js';

export interface CalendarVerdict {
  /** False when the calendar could not be read (none connected, or calendar-svc or the calendar did not answer). */
  verified: boolean;
  free: boolean;
}

/**
 * The spec's verifyAvailabilityBeforeCapture: asks calendar-svc for a fresh free/busy look at the
 * slot. When it cannot answer, the confirmation goes ahead unverified (the slot is already ours in
 * booking-svc's own claims; only an outside event could clash) and that is logged.
 */
@Injectable()
export class CalendarAvailabilityClient {
  private readonly logger = new Logger(CalendarAvailabilityClient.name);

  constructor(
    private readonly internal: InternalHttpClient,
    private readonly config: BookingConfig,
  ) {}

  async check(providerId: string, start: Date, end: Date): Promise<CalendarVerdict> {
    try {
      return await this.internal.call<CalendarVerdict>({
        method: 'POST',
        service: 'calendar-svc',
        baseUrl: this.config.CALENDAR_SVC_URL,
        path: `/internal/calendar/providers/${encodeURIComponent(providerId)}/availability-check`,
        body: { start: start.toISOString(), end: end.toISOString() },
        timeoutMs: this.config.CALENDAR_CHECK_TIMEOUT_MS,
        actor: { type: 'system', id: 'booking-svc' },
      });
    } catch (error) {
      this.logger.warn({ message: 'calendar check unavailable; confirming unverified', providerId, error: (error as Error).message });
      return { verified: false, free: true };
    }
  }
}

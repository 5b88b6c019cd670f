import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { scheduleOf } from '../../providers/domain/provider.js';
import { ProviderRepository } from '../../providers/infrastructure/provider.repository.js';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { BusyDayStore } from '../../slots/infrastructure/busy-day.store.js';
import { CalendarBusyStore } from '../../slots/infrastructure/calendar-busy.store.js';
import { type AvailableSlot, availableSlots } from '../domain/availability.js';

export interface AvailabilityParams {
  providerId: string;
  serviceId: string;
  fromDate: string;
  toDate: string;
}

/** The longest range one query may ask for (the spec's maximum advance is 365 days; pages of two months). */
export const MAX_RANGE_DAYS = 62;

/**
 * Free slots of a provider for a service: the schedule and rules, minus what bookings, open
 * reschedule proposals and live reservations hold (buffers included; the busy-day read model) and the
 * busy times of the provider's external calendar (as calendar-svc reported them).
 */
@Injectable()
export class AvailabilityQuery {
  constructor(
    private readonly providers: ProviderRepository,
    private readonly days: BusyDayStore,
    private readonly calendarBusy: CalendarBusyStore,
  ) {}

  async slots(params: AvailabilityParams, now: Date = new Date()): Promise<{ providerTimezone: string; durationMinutes: number; slots: AvailableSlot[] }> {
    const provider = await this.providers.findBookable(params.providerId);
    if (!provider) throw new BookingError(BookingErrorCode.ProviderNotFound, 'No such provider');
    const service = provider.services.find((s) => s.id === params.serviceId);
    if (!service) throw new BookingError(BookingErrorCode.ServiceNotFound, 'The provider does not offer this service');
    const from = DateTime.fromISO(params.fromDate, { zone: provider.timezone });
    const to = DateTime.fromISO(params.toDate, { zone: provider.timezone });
    if (!from.isValid || !to.isValid || to < from)
      throw new BookingError(BookingErrorCode.ValidationFailed, 'from and to are dates (YYYY-MM-DD), from not after to');
    if (to.diff(from, 'days').days >= MAX_RANGE_DAYS)
      throw new BookingError(BookingErrorCode.ValidationFailed, `Ask for at most ${MAX_RANGE_DAYS} days at a time`);

    // Anything starting up to a day before the range can still reach into it.
    const rangeStart = from.minus({ days: 1 }).toJSDate();
    const rangeEnd = to.plus({ days: 2 }).toJSDate();
    const [held, external] = await Promise.all([
      this.days.busyBetween(provider.id, rangeStart, rangeEnd, now),
      this.calendarBusy.inRange(provider.id, rangeStart, rangeEnd),
    ]);
    const slots = availableSlots({
      schedule: scheduleOf(provider),
      settings: provider.settings,
      serviceDurationMinutes: service.durationMinutes,
      fromDate: params.fromDate,
      toDate: params.toDate,
      busy: [...held, ...external],
      now,
    });
    return { providerTimezone: provider.timezone, durationMinutes: service.durationMinutes, slots };
  }
}

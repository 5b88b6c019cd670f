import { Controller, Get, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { InternalAuthGuard, success } from '@bp/platform';
import { AvailabilityRequest, type AvailabilityView } from '@bp/contracts';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { AvailabilityQuery } from '../application/availability.query.js';

@Controller('internal/providers')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityQuery) {}

  /** Free slots between two local dates of the provider, inclusive, in UTC, with the zones to render them in. */
  @Get(':id/availability')
  async get(@Param('id') providerId: string, @Query() query: AvailabilityRequest) {
    const result = await this.availability.slots({
      providerId,
      serviceId: query.serviceId,
      fromDate: query.from,
      toDate: query.to,
    });
    return success<AvailabilityView>({
      providerId,
      serviceId: query.serviceId,
      providerTimezone: result.providerTimezone,
      requesterTimezone: query.timezone ?? result.providerTimezone,
      durationMinutes: result.durationMinutes,
      slots: result.slots,
    });
  }
}

import { Controller, Get, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { InternalAuthGuard, success } from '@bp/platform';
import { IsTimeZone } from '@bp/platform';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { AvailabilityQuery } from '../application/availability.query.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class AvailabilityRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  serviceId: string;

  @Matches(DATE, { message: 'from must be a date (YYYY-MM-DD)' })
  from: string;

  @Matches(DATE, { message: 'to must be a date (YYYY-MM-DD)' })
  to: string;

  /** The requester's zone for the third rendering of each slot; the provider's when absent. */
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}

@Controller('internal/providers')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityQuery) {}

  /** Free slots between two local dates of the provider, inclusive, in UTC and both time zones. */
  @Get(':id/availability')
  async get(@Param('id') providerId: string, @Query() query: AvailabilityRequest) {
    const result = await this.availability.slots({
      providerId,
      serviceId: query.serviceId,
      fromDate: query.from,
      toDate: query.to,
      requesterTimezone: query.timezone ?? 'UTC',
    });
    return success({
      providerId,
      serviceId: query.serviceId,
      providerTimezone: result.providerTimezone,
      requesterTimezone: query.timezone ?? result.providerTimezone,
      slots: result.slots,
    });
  }
}

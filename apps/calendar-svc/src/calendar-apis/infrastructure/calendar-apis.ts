import { Injectable } from '@nestjs/common';
import { ApiError } from '@bp/platform';
import { CalendarConfig } from '../../config/calendar.config.js';
import type { CalendarApi, CalendarProviderName } from '../domain/calendar-api.js';
import { GoogleCalendarApi } from './google-calendar.api.js';
import { MicrosoftGraphApi } from './microsoft-graph.api.js';

/** The calendar services by name. One whose OAuth client is not configured cannot be connected. */
@Injectable()
export class CalendarApis {
  private readonly apis: Record<CalendarProviderName, CalendarApi>;

  constructor(config: CalendarConfig) {
    this.apis = { google: new GoogleCalendarApi(config), microsoft: new MicrosoftGraphApi(config) };
  }

  get(name: CalendarProviderName): CalendarApi {
    const api = this.apis[name];
    if (!api.configured()) throw new ApiError(422, 'CALENDAR_PROVIDER_NOT_CONFIGURED', `Connecting ${name} calendars is not configured on this platform`);
    return api;
  }
}

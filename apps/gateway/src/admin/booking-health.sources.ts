import { Injectable } from '@nestjs/common';
import { Upstreams } from '../upstream/upstreams.js';
import type { BookingSide, PaymentSide } from './booking-health.js';

/** The two upstream reads behind booking health: the admin dashboard and /health/booking both use these. */
@Injectable()
export class BookingHealthSources {
  constructor(private readonly upstreams: Upstreams) {}

  async bookings(): Promise<BookingSide> {
    return (await this.upstreams.fetch<BookingSide>('booking', { method: 'GET', path: '/internal/bookings/health' })).data;
  }

  async payments(): Promise<PaymentSide> {
    return (await this.upstreams.fetch<PaymentSide>('payment', { method: 'GET', path: '/internal/payments/holds/summary' })).data;
  }
}

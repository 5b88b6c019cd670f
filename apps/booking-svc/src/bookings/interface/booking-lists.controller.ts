import { Controller, Get, Query, UseFilters, UseGuards } from '@nestjs/common';
import { type Actor, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { BookingErrorFilter } from '../../shared/interface/booking-error.filter.js';
import { BookingHealthQuery } from '../application/booking-health.query.js';
import { type BookingCriteria, BookingRepository } from '../infrastructure/booking.repository.js';
import { AdminBookingListRequest, BookingListRequest, type BookingPageView, type BookingView } from '@bp/contracts';
import { decodeCursor, encodeCursor } from './booking-cursor.js';
import { bookingView } from './booking.view.js';

/** The spec's list routes: a patient's bookings, a provider's bookings, a provider's pending requests. */
@Controller('internal/bookings')
@UseGuards(InternalAuthGuard)
@UseFilters(BookingErrorFilter)
export class BookingListsController {
  constructor(
    private readonly bookings: BookingRepository,
    private readonly health: BookingHealthQuery,
  ) {}

  /** The caller's own bookings (as patient or as provider), newest first, cursor-paginated. */
  @Get('mine')
  mine(@InternalActor() actor: Actor, @Query() query: BookingListRequest) {
    if (actor.type !== 'patient' && actor.type !== 'provider')
      throw new BookingError(BookingErrorCode.Forbidden, 'Only patients and providers have bookings of their own');
    return this.page(actor, actor.type === 'patient' ? { patientId: actor.id } : { providerId: actor.id }, query);
  }

  /** Every booking, for admins: by status, type, provider, patient and appointment time range, newest first. */
  @Get()
  all(@InternalActor() actor: Actor, @Query() query: AdminBookingListRequest) {
    if (actor.type !== 'admin') throw new BookingError(BookingErrorCode.Forbidden, 'Only admins may list all bookings');
    return this.page(
      actor,
      {
        ...(query.providerId ? { providerId: query.providerId } : {}),
        ...(query.patientId ? { patientId: query.patientId } : {}),
        ...(query.type ? { bookingType: query.type } : {}),
        ...(query.from ? { startFrom: new Date(query.from) } : {}),
        ...(query.to ? { startTo: new Date(query.to) } : {}),
      },
      query,
    );
  }

  private async page(actor: Actor, criteria: BookingCriteria, query: BookingListRequest) {
    const limit = query.limit ?? 20;
    const after = decodeCursor(query.cursor);
    if (query.cursor && !after) throw new BookingError(BookingErrorCode.ValidationFailed, 'cursor is not one this API gave out');
    const statuses = query.status === undefined ? undefined : [query.status].flat(); // ?status=a or ?status=a&status=b
    const page = await this.bookings.list({ ...criteria, ...(statuses ? { statuses } : {}) }, { limit, ...(after ? { after } : {}) });
    return success<BookingPageView>({
      items: page.items.map((b) => bookingView(b, actor)),
      nextCursor: page.next ? encodeCursor(page.next.createdAt, page.next.id) : null,
    });
  }

  /** The booking side of the admin health dashboard, and of the gateway's /health/booking (a system caller). */
  @Get('health')
  async healthSummary(@InternalActor() actor: Actor) {
    if (actor.type !== 'admin' && actor.type !== 'system') throw new BookingError(BookingErrorCode.Forbidden, 'Only admins see booking health');
    return success(await this.health.summary());
  }

  /** The bookings waiting for an admin (a failed capture, a dispute, an expiring hold…), longest waiting first. */
  @Get('needs-admin')
  async needingAdmin(@InternalActor() actor: Actor) {
    if (actor.type !== 'admin') throw new BookingError(BookingErrorCode.Forbidden, 'Only admins see the bookings waiting for them');
    return success<BookingView[]>((await this.bookings.needingAdmin(200)).map((b) => bookingView(b, actor)));
  }

  /** A provider's requests still waiting for an answer, soonest deadline first. */
  @Get('pending')
  async pending(@InternalActor() actor: Actor) {
    if (actor.type !== 'provider') throw new BookingError(BookingErrorCode.Forbidden, 'Only providers have pending requests');
    return success<BookingView[]>((await this.bookings.pendingForProvider(actor.id, 100)).map((b) => bookingView(b, actor)));
  }
}

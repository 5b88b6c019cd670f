import { Body, Controller, Delete, Get, Logger, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  AvailabilityCheckRequest,
  CalendarCallbackRequest,
  CalendarConnectRequest,
  type CalendarAuthorizationView,
  type CalendarEventSyncView,
} from '@bp/contracts';
import { type Actor, ApiError, IdempotencyKey, IdempotencyStore, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { BusyTimes } from '../../busy-times/application/busy-times.js';
import { EventSyncer } from '../../event-sync/application/event-syncer.js';
import { ConnectCalendar } from '../application/connect-calendar.js';
import { connectionView } from '../domain/calendar-connection.js';
import { ConnectionRepository } from '../infrastructure/connection.repository.js';

/** A provider's calendar is theirs: the provider themself or an admin; anyone else learns nothing (404). */
function assertOwnerOrAdmin(providerId: string, actor: Actor): void {
  if (actor.type === 'admin' || (actor.type === 'provider' && actor.id === providerId)) return;
  if (actor.type === 'system') return;
  throw new ApiError(404, 'CALENDAR_NOT_CONNECTED', 'No calendar is connected');
}

/** calendar-svc's internal API: connect and disconnect (the gateway's provider routes), and the availability check booking-svc makes before a capture. */
@Controller('internal/calendar')
@UseGuards(InternalAuthGuard)
export class CalendarController {
  private readonly logger = new Logger(CalendarController.name);

  constructor(
    private readonly connect: ConnectCalendar,
    private readonly connections: ConnectionRepository,
    private readonly busy: BusyTimes,
    private readonly events: EventSyncer,
    private readonly idempotency: IdempotencyStore,
  ) {}

  @Get('providers/:providerId')
  async get(@Param('providerId') providerId: string, @InternalActor() actor: Actor) {
    assertOwnerOrAdmin(providerId, actor);
    const connection = await this.connections.find(providerId);
    if (!connection) throw new ApiError(404, 'CALENDAR_NOT_CONNECTED', 'No calendar is connected');
    return success(connectionView(connection));
  }

  /** Step 1: where to send the provider to grant access (the consent screen), with a single-use state. */
  @Post('providers/:providerId/connect')
  async start(
    @Param('providerId') providerId: string,
    @Body() body: CalendarConnectRequest,
    @InternalActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertOwnerOrAdmin(providerId, actor);
    void reply.status(201);
    return success<CalendarAuthorizationView>(await this.connect.start(providerId, body.calendarProvider));
  }

  /** Step 2: the code and state the calendar redirected back with; the connection is stored and announced. */
  @Post('providers/:providerId/callback')
  async complete(
    @Param('providerId') providerId: string,
    @Body() body: CalendarCallbackRequest,
    @InternalActor() actor: Actor,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertOwnerOrAdmin(providerId, actor);
    const result = await this.idempotency.run({ actor, operation: `calendar-connect:${providerId}`, key }, body, async () => {
      const connection = await this.connect.complete(providerId, body.state, body.code);
      await this.busy
        .sync(providerId)
        .catch((error: Error) => this.logger.warn({ message: 'first busy-time sync failed; the sync job retries', providerId, error: error.message }));
      return { status: 201, body: success(connectionView(connection)) };
    });
    void reply.status(result.status);
    return result.body;
  }

  @Delete('providers/:providerId')
  async disconnect(
    @Param('providerId') providerId: string,
    @InternalActor() actor: Actor,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertOwnerOrAdmin(providerId, actor);
    const result = await this.idempotency.run({ actor, operation: `calendar-disconnect:${providerId}`, key }, {}, async () => {
      const connection = await this.connect.disconnect(providerId);
      await this.busy.clear(providerId);
      return { status: 200, body: success(connectionView(connection)) };
    });
    void reply.status(result.status);
    return result.body;
  }

  /**
   * The spec's verifyAvailabilityBeforeCapture: a fresh free/busy look at [start, end). Without a
   * connected calendar there is nothing to check (`verified: false`, `free: true`).
   */
  @Post('providers/:providerId/availability-check')
  async check(@Param('providerId') providerId: string, @Body() body: AvailabilityCheckRequest, @InternalActor() actor: Actor) {
    assertOwnerOrAdmin(providerId, actor);
    const connection = await this.connections.find(providerId);
    if (connection?.status !== 'connected') return success({ verified: false, free: true, conflicts: [] });
    const conflicts = await this.busy.check(providerId, { start: new Date(body.start), end: new Date(body.end) });
    return success({
      verified: true,
      free: conflicts.length === 0,
      conflicts: conflicts.map((c) => ({ start: c.start.toISOString(), end: c.end.toISOString() })),
    });
  }

  /** A booking's calendar event and how syncing it went (admins). */
  @Get('bookings/:bookingId/event')
  async event(@Param('bookingId') bookingId: string, @InternalActor() actor: Actor) {
    if (actor.type !== 'admin') throw new ApiError(403, 'FORBIDDEN', 'Only an admin may read sync state');
    const mapping = await this.events.find(bookingId);
    if (!mapping) throw new ApiError(404, 'CALENDAR_EVENT_NOT_FOUND', 'This booking has no calendar event');
    const { _id, ...fields } = mapping;
    return success<CalendarEventSyncView>({ bookingId: _id, ...fields });
  }
}

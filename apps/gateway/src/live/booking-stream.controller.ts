import { Controller, Headers, type MessageEvent, Req, Sse, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EMPTY, concat, finalize, map, merge, type Observable, of, takeUntil } from 'rxjs';
import { ApiError } from '@bp/platform';
import { type AuthenticatedRequest, JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { ApiFailures } from '../openapi/api-docs.decorators.js';
import { LiveFeed } from './live-feed.js';

@Controller('api/bookings')
@UseGuards(JwtAuthGuard)
@ApiTags('live updates')
@ApiBearerAuth()
export class BookingStreamController {
  constructor(private readonly feed: LiveFeed) {}

  /** Server-sent events: the caller's booking updates as they happen, with heartbeats to keep proxies from closing the stream. */
  @Sse('events')
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this event (replayed if this replica still has it; otherwise a `resync` event)',
  })
  @ApiResponse({
    status: 200,
    description: 'Server-sent events: `booking-update` (id = event id), `heartbeat`, and `resync` when a Last-Event-ID could not be resumed',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiFailures(400, 401, 426, 429)
  events(@Req() request: AuthenticatedRequest, @Headers('last-event-id') lastEventId: string | undefined): Observable<MessageEvent> {
    const user = request.user;
    const release = this.feed.admit(user, 'sse');
    if (!release)
      throw new ApiError(429, 'TOO_MANY_STREAMS', `At most ${this.feed.maxConnectionsPerUser} live streams at once; close another first`, undefined, 5);
    const { resumed, updates } = this.feed.updatesFor(user, lastEventId);
    const events = updates.pipe(map((update): MessageEvent => ({ id: update.id, type: 'booking-update', data: update })));
    // Resuming from an event this replica no longer has: tell the client to reload rather than miss updates silently.
    const resync =
      lastEventId && !resumed ? of<MessageEvent>({ type: 'resync', data: { lastEventId, reason: 'Last-Event-ID is older than this stream keeps' } }) : EMPTY;
    const heartbeats = this.feed.heartbeats().pipe(map((at): MessageEvent => ({ type: 'heartbeat', data: { at } })));
    // The token's expiry ends the stream with a last event saying so: the client reconnects with a fresh token.
    const expired = of<MessageEvent>({ type: 'token-expired', data: { reason: 'The token expired; reconnect with a fresh one' } });
    // A closing replica ends the stream; the client reconnects (to any replica) with Last-Event-ID.
    return concat(concat(resync, merge(events, heartbeats)).pipe(takeUntil(this.feed.expiryAt(user.expiresAt))), expired).pipe(
      takeUntil(this.feed.shuttingDown()),
      finalize(release),
    );
  }
}

import { Controller, type MessageEvent, Req, Sse, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { filter, interval, map, merge, type Observable, takeUntil } from 'rxjs';
import { type AuthenticatedRequest, JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { BookingStreamHub } from './booking-stream.hub.js';
import { isVisibleTo } from './booking-update.js';

@Controller('api/bookings')
@UseGuards(JwtAuthGuard)
@ApiTags('live updates')
@ApiBearerAuth()
export class BookingStreamController {
  constructor(
    private readonly hub: BookingStreamHub,
    private readonly config: GatewayConfig,
  ) {}

  /** Server-sent events: the caller's booking updates as they happen, with heartbeats to keep proxies from closing the stream. */
  @Sse('events')
  @ApiProduces('text/event-stream')
  @ApiResponse({
    status: 200,
    description: 'Server-sent events: `booking-update` (id = event id) and `heartbeat`',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 401, description: 'No valid bearer token', schema: { $ref: '#/components/schemas/ErrorEnvelope' } })
  events(@Req() request: AuthenticatedRequest): Observable<MessageEvent> {
    const user = request.user;
    const updates = this.hub.stream().pipe(
      filter((update) => isVisibleTo(update, user)),
      map((update): MessageEvent => ({ id: update.id, type: 'booking-update', data: update })),
    );
    const heartbeats = interval(this.config.SSE_HEARTBEAT_MS).pipe(map((): MessageEvent => ({ type: 'heartbeat', data: { at: new Date().toISOString() } })));
    // Clients reconnect with Last-Event-ID semantics of their own; a closing replica just ends the stream.
    return merge(updates, heartbeats).pipe(takeUntil(this.hub.shuttingDown()));
  }
}

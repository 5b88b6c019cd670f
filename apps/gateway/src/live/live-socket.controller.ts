import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '@bp/platform';
import { LiveSocketServer } from './live-socket.server.js';

/**
 * The WebSocket of live booking updates. No bearer header here (browsers cannot set one on a
 * WebSocket): the socket authenticates with its first message. The upgrade request itself passes the
 * gateway's guards like any /api request, so it is rate limited (by address, or by user when a
 * client does send a bearer header).
 */
@Controller('api/live')
@ApiTags('live updates')
export class LiveSocketController {
  constructor(private readonly server: LiveSocketServer) {}

  @Get('ws')
  @ApiOperation({
    summary: 'WebSocket of the caller’s booking updates',
    description:
      'Upgrade to a WebSocket, then send {"type":"AUTH","token":"<bearer JWT>","resumeAfter":"<last update id>"?} within 5 s. ' +
      'The server answers READY (and RESYNC when it could not resume), then update messages and HEARTBEAT; TOKEN_EXPIRED at the token’s expiry. ' +
      'Close codes: 4401 unauthenticated or expired, 4403 another user’s token, 4429 too many live connections, 1008/1009 bad or oversized message, 1012 server restarting. ' +
      'docs/gateway-api.md "Live updates" has the message types.',
  })
  @ApiResponse({ status: 101, description: 'Switching Protocols: the WebSocket is open' })
  @ApiResponse({
    status: 426,
    description: 'Not a WebSocket upgrade request (WEBSOCKET_UPGRADE_REQUIRED)',
    schema: { $ref: '#/components/schemas/ErrorEnvelope' },
  })
  @ApiResponse({
    status: 429,
    description: 'Rate limited (RATE_LIMITED): retry after the seconds in Retry-After',
    schema: { $ref: '#/components/schemas/ErrorEnvelope' },
  })
  connect(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!this.server.accept(request.raw, reply))
      throw new ApiError(426, 'WEBSOCKET_UPGRADE_REQUIRED', 'This endpoint is a WebSocket: connect with a WebSocket client');
  }
}

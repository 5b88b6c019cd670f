import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ContactCodeRequest, VerifyContactRequest } from '@bp/contracts';
import { IdempotencyKey } from '@bp/platform';
import { JwtAuthGuard, Roles } from '../auth/jwt-auth.guard.js';
import { ApiData, ApiFailures, ApiMutation, ApiPublicRoute } from '../openapi/api-docs.decorators.js';
import { Upstreams } from '../upstream/upstreams.js';

/** The caller's own email and phone: confirm one with the code sent to it, or ask for a new code (notification-svc owns them). */
@Controller('api/notifications/contacts')
@UseGuards(JwtAuthGuard)
@Roles('patient', 'provider')
@ApiTags('notifications')
@ApiPublicRoute()
@ApiFailures(403, 404, 409)
export class NotificationContactsController {
  constructor(private readonly upstreams: Upstreams) {}

  /** Confirms the contact with its six-digit code; a wrong code is 400 VERIFICATION_CODE_INVALID with the tries left. */
  @Post('verify')
  @HttpCode(200)
  @ApiMutation()
  @ApiFailures(410)
  @ApiData(200, 'ContactVerification', 'The contact is verified')
  verify(@Body() body: VerifyContactRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'notification', { method: 'POST', path: '/internal/notification-contacts/me/verify', body, idempotencyKey: key });
  }

  /** Sends a new code to the contact (the earlier one is void); at most one a minute and a few a day (429 with Retry-After). */
  @Post('resend')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'ContactVerification', 'A new code is on its way')
  resend(@Body() body: ContactCodeRequest, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.upstreams.relay(reply, 'notification', { method: 'POST', path: '/internal/notification-contacts/me/resend', body, idempotencyKey: key });
  }
}

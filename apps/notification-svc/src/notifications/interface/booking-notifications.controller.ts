import type { BookingNotificationsView } from '@bp/contracts';
import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { type Actor, ApiError, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { DIGEST_TEMPLATE } from '../application/digest-sender.js';
import { DeliveryRepository } from '../infrastructure/delivery.repository.js';
import { DigestRepository } from '../infrastructure/digest.repository.js';

/**
 * A booking's notification status for admins: every delivery about it (digests included) with its
 * channel, template, recipient role, status, attempts, times, last error code and why one was skipped. Never the text, the
 * address or the provider's error message, which may carry personal data.
 */
@Controller('internal/notifications/bookings')
@UseGuards(InternalAuthGuard)
export class BookingNotificationsController {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly digests: DigestRepository,
  ) {}

  @Get(':bookingId')
  async list(@Param('bookingId') bookingId: string, @InternalActor() actor: Actor) {
    if (actor.type !== 'admin') throw new ApiError(403, 'FORBIDDEN', 'Only an admin may see a booking’s notifications');
    const [deliveries, waiting] = await Promise.all([this.deliveries.forBooking(bookingId), this.digests.waitingWith(bookingId)]);
    return success<BookingNotificationsView>([
      ...deliveries.map((d) => ({
        id: d._id,
        channel: d.channel,
        template: d.template,
        recipientRole: d.recipient.role,
        status: d.status,
        attempts: d.attempts,
        createdAt: d.createdAt?.toISOString(),
        ...(d.notBefore && d.status !== 'sent' ? { notBefore: d.notBefore.toISOString() } : {}),
        ...(d.sentAt ? { sentAt: d.sentAt.toISOString() } : {}),
        ...(d.failedAt ? { failedAt: d.failedAt.toISOString() } : {}),
        ...(d.lastErrorCode ? { lastErrorCode: d.lastErrorCode } : {}),
        ...(d.skippedReason ? { skippedReason: d.skippedReason } : {}),
      })),
      // A new request a provider takes hourly or daily: waiting in their digest until its period ends.
      ...waiting.map((digest) => ({
        id: `digest:${digest._id}`,
        channel: 'digest' as const,
        template: DIGEST_TEMPLATE,
        recipientRole: 'provider' as const,
        status: 'collecting' as const,
        attempts: 0,
        notBefore: digest.periodEnd.toISOString(),
      })),
    ]);
  }
}

import { Body, Controller, Get, Param, Post, Put, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type Actor, ApiError, IdempotencyKey, IdempotencyStore, InternalActor, InternalAuthGuard, success } from '@bp/platform';
import { summarizeHolds } from '../application/hold-aging.js';
import { PaymentCommands } from '../application/payment-commands.js';
import { Payouts } from '../application/payouts.js';
import { PaymentError, PaymentErrorCode } from '../domain/payment-error.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { PayoutAccountRepository } from '../infrastructure/payout-account.repository.js';
import { PaymentErrorFilter } from './payment-error.filter.js';
import { AdminRefundRequest, PayoutAccountRequest, type PayoutAccountView } from '@bp/contracts';
import { paymentView } from './payment.view.js';

function requireAdmin(actor: Actor): void {
  if (actor.type !== 'admin') throw new ApiError(403, 'FORBIDDEN', 'Only an admin may do this');
}

/** payment-svc's internal API (the gateway's admin and provider routes forward here). */
@Controller('internal')
@UseGuards(InternalAuthGuard)
@UseFilters(PaymentErrorFilter)
export class PaymentsController {
  constructor(
    private readonly repository: PaymentRepository,
    private readonly commands: PaymentCommands,
    private readonly accounts: PayoutAccountRepository,
    private readonly payouts: Payouts,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /**
   * Open holds by amount and age, for the admin health dashboard and the gateway's /health/booking (a
   * system caller: counts only): every held payment, from the same projected read as the hold gauges.
   */
  @Get('payments/holds/summary')
  async holdsSummary(@InternalActor() actor: Actor) {
    if (actor.type !== 'system') requireAdmin(actor);
    return success(summarizeHolds(await this.repository.listHeld(), new Date()));
  }

  /** A booking's payment: its patient, its provider and admins may read it; anyone else learns nothing (404). */
  @Get('payments/:bookingId')
  async get(@Param('bookingId') bookingId: string, @InternalActor() actor: Actor) {
    const payment = await this.repository.find(bookingId);
    const party =
      actor.type === 'admin' ||
      (actor.type === 'patient' && payment?.patientId === actor.id) ||
      (actor.type === 'provider' && payment?.providerId === actor.id);
    if (!payment || !party) throw new PaymentError(PaymentErrorCode.PaymentNotFound, 'No payment for this booking');
    return success(paymentView(payment));
  }

  /** An admin refunds part or all of what remains captured; above that it is refused (422 REFUND_EXCEEDS_CAPTURED). */
  @Post('payments/:bookingId/refunds')
  async refund(
    @Param('bookingId') bookingId: string,
    @Body() body: AdminRefundRequest,
    @InternalActor() actor: Actor,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    requireAdmin(actor);
    const result = await this.idempotency.run({ actor, operation: `refund:${bookingId}`, key }, body, async () => {
      const payment = await this.commands.adminRefund(bookingId, `admin:${actor.id}:${key}`, body.amountCents, body.reason);
      return { status: 201, body: success(paymentView(payment)) };
    });
    void reply.status(result.status);
    return result.body;
  }

  @Get('providers/:providerId/payout-account')
  async payoutAccount(@Param('providerId') providerId: string, @InternalActor() actor: Actor) {
    this.assertOwnerOrAdmin(providerId, actor);
    const account = await this.accounts.find(providerId);
    if (!account) throw new ApiError(404, 'PAYOUT_ACCOUNT_NOT_FOUND', 'This provider has no payout account yet');
    return success<PayoutAccountView>({ providerId, stripeAccountId: account.stripeAccountId, updatedAt: account.updatedAt });
  }

  /** Registers the provider's Connect account; payouts that waited for it are sent now. */
  @Put('providers/:providerId/payout-account')
  async setPayoutAccount(
    @Param('providerId') providerId: string,
    @Body() body: PayoutAccountRequest,
    @InternalActor() actor: Actor,
    @IdempotencyKey() _key: string,
  ) {
    this.assertOwnerOrAdmin(providerId, actor);
    const updatedAt = new Date();
    await this.accounts.save({ _id: providerId, stripeAccountId: body.stripeAccountId, updatedAt, updatedBy: actor });
    const payoutsSent = await this.payouts.settleDue(providerId);
    return success<PayoutAccountView>({ providerId, stripeAccountId: body.stripeAccountId, updatedAt, payoutsSent });
  }

  private assertOwnerOrAdmin(providerId: string, actor: Actor): void {
    if (actor.type === 'admin' || (actor.type === 'provider' && actor.id === providerId)) return;
    if (actor.type === 'provider') throw new ApiError(404, 'PAYOUT_ACCOUNT_NOT_FOUND', 'No such provider payout account');
    throw new ApiError(403, 'FORBIDDEN', "Only the provider or an admin may manage the provider's payout account");
  }
}

import { Injectable, Logger } from '@nestjs/common';
import type { Payment } from '../domain/payment.js';
import { stripeIdempotencyKey } from '../domain/payment.js';
import * as payouts from '../domain/payout.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { type PayoutAccount, PayoutAccountRepository } from '../infrastructure/payout-account.repository.js';
import { StripeGateway } from '../infrastructure/stripe-gateway.js';

/** Payout states that stay due until something else happens (an account registered, a dispute closed). */
const WAITING: ReadonlySet<string> = new Set(['awaiting_account', 'withheld_dispute']);

/**
 * The provider's share through Stripe Connect: a transfer of what they are owed once the payment is
 * captured (transfer group = booking number), and a reversal of the excess after each refund. Each
 * step's key comes from the payment's stored state, so a repeat after a crash is answered by Stripe,
 * not paid twice. A failure leaves the payout due; the sweeper tries again.
 */
@Injectable()
export class Payouts {
  private readonly logger = new Logger(Payouts.name);

  constructor(
    private readonly repository: PaymentRepository,
    private readonly accounts: PayoutAccountRepository,
    private readonly stripe: StripeGateway,
  ) {}

  /**
   * Brings the payout in line with what the provider is owed; never throws (a failure is retried by the
   * sweeper). `accounts` keeps the providers' accounts already looked up in this pass.
   */
  async settle(payment: Payment, accounts?: Map<string, Promise<PayoutAccount | null>>): Promise<Payment> {
    if (!payment.payoutDue) return payment;
    try {
      const next = await this.takeStep(payment, accounts);
      await this.repository.save(payment, next);
      return next;
    } catch (error) {
      this.logger.warn({ message: 'payout step failed; it stays due', bookingId: payment.bookingId, error: (error as Error).message });
      return payment;
    }
  }

  /**
   * The payout step taken (a Stripe transfer or reversal, or a state to wait in) on a payment its caller
   * is about to write anyway — the capture or refund that made it due — so the change and its payout are
   * one write. The payment as it was when nothing is due or the step failed (the sweeper tries again).
   * `settle` is for a payout already due (a redelivery, the sweep).
   */
  async withStepTaken(payment: Payment): Promise<Payment> {
    if (!payment.payoutDue) return payment;
    try {
      return await this.takeStep(payment);
    } catch (error) {
      this.logger.warn({ message: 'payout step failed; it stays due', bookingId: payment.bookingId, error: (error as Error).message });
      return payment;
    }
  }

  /**
   * Settles every due payout, or those of one provider (after their Connect account was registered),
   * and says how many of them are settled now. Counted from the stored payments, not from this call's
   * own writes: the sweep may settle the same payout at the same moment (Stripe answers both with the
   * one transfer, and only one write lands), and that payout is settled all the same.
   */
  async settleDue(providerId?: string): Promise<number> {
    const due = await this.repository.list({ payoutDue: true, ...(providerId ? { providerId } : {}) });
    // One look-up per provider, not per payout: a provider without an account may have hundreds due.
    const accounts = new Map<string, Promise<PayoutAccount | null>>();
    const outcomes: Payment[] = [];
    for (const payment of due) outcomes.push(await this.settle(payment, accounts));
    let settled = 0;
    for (const outcome of outcomes) {
      if (!outcome.payoutDue) settled++;
      // Still due because it waits (no account, an open dispute): not settled, no need to read it again.
      else if (WAITING.has(outcome.payout?.status ?? '')) continue;
      else if (!(await this.repository.find(outcome.bookingId))?.payoutDue) settled++;
    }
    return settled;
  }

  /** The next payout state, after the Stripe call it needs; not saved. */
  private async takeStep(payment: Payment, accounts?: Map<string, Promise<PayoutAccount | null>>): Promise<Payment> {
    let lookUp = accounts?.get(payment.providerId);
    if (!lookUp) {
      // Not inside `accounts?.set(...)`: with no map, optional chaining would skip the look-up itself.
      lookUp = this.accounts.find(payment.providerId);
      accounts?.set(payment.providerId, lookUp);
    }
    const account = await lookUp;
    const step = payouts.nextPayoutStep(payment, account?.stripeAccountId);
    let next: Payment;
    switch (step.kind) {
      case 'transfer': {
        const { transferId } = await this.stripe.transfer({
          bookingId: payment.bookingId,
          amountCents: step.amountCents,
          currency: payment.currency,
          destination: step.destination,
          transferGroup: payment.bookingNumber ?? payment.bookingId,
          idempotencyKey: stripeIdempotencyKey(payment, 'transfer'),
        });
        next = payouts.recordTransfer(payment, transferId, step.destination, step.amountCents);
        break;
      }
      case 'reverse': {
        // Keyed by the refunds it answers and its place: a repeat asks for the same amount, so Stripe replays it.
        const key = stripeIdempotencyKey(payment, `transfer-reversal-${payment.refunds.length}-${payment.payout!.reversals.length + 1}`);
        const { reversalId } = await this.stripe.reverseTransfer(step.transferId, step.amountCents, key);
        next = payouts.recordReversal(payment, reversalId, step.amountCents, new Date());
        break;
      }
      case 'await_account':
        next = payouts.recordAwaitingAccount(payment);
        break;
      case 'await_dispute':
        next = payouts.recordWithheldForDispute(payment);
        break;
      case 'settled':
        next = payouts.recordPayoutSettled(payment);
        break;
    }
    return next;
  }
}

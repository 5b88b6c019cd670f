import type { Payment, Payout } from './payment.js';
import { transferableCents } from './payment.js';

/** The one Stripe step that brings the provider's payout in line with what they are owed now. */
export type PayoutStep =
  | { kind: 'transfer'; destination: string; amountCents: number }
  | { kind: 'reverse'; transferId: string; amountCents: number }
  | { kind: 'await_account' }
  | { kind: 'await_dispute' }
  | { kind: 'settled' };

/** What the provider holds of this payment: transferred less reversed. */
export function paidOutCents(payout: Payout): number {
  return payout.transferredCents - payout.reversals.reduce((sum, r) => sum + r.amountCents, 0);
}

/**
 * The provider is owed the captured amount less refunds and the platform fee (libs/pricing). Before
 * anything was sent: one transfer of that, once they have a Connect account. After: a refund that
 * lowers what they are owed reverses the difference from the transfer (one reversal per refund), and
 * so does a lost dispute. Nothing is sent while the cardholder disputes the charge.
 */
export function nextPayoutStep(payment: Payment, destination: string | undefined): PayoutStep {
  const payout = payment.payout;
  if (!payout) return { kind: 'settled' };
  const owed = transferableCents(payment);
  if (payout.transferId) {
    const excess = paidOutCents(payout) - owed;
    return excess > 0 ? { kind: 'reverse', transferId: payout.transferId, amountCents: excess } : { kind: 'settled' };
  }
  if (payment.disputeOpen) return { kind: 'await_dispute' };
  if (owed <= 0) return { kind: 'settled' };
  if (!destination) return { kind: 'await_account' };
  return { kind: 'transfer', destination, amountCents: owed };
}

function withPayout(payment: Payment, payout: Payout, due: boolean): Payment {
  const { payoutDue: _previous, ...rest } = payment;
  return { ...rest, payout, ...(due ? { payoutDue: true as const } : {}), version: payment.version + 1 };
}

export function recordTransfer(payment: Payment, transferId: string, destination: string, amountCents: number): Payment {
  return withPayout(payment, { ...payment.payout!, status: 'sent', transferId, destination, transferredCents: amountCents }, false);
}

export function recordReversal(payment: Payment, reversalId: string, amountCents: number, now: Date): Payment {
  const payout = payment.payout!;
  return withPayout(payment, { ...payout, reversals: [...payout.reversals, { reversalId, amountCents, createdAt: now }] }, false);
}

/** No Connect account yet: the payout waits (still due) until the provider's account is registered. */
export function recordAwaitingAccount(payment: Payment): Payment {
  if (payment.payout?.status === 'awaiting_account') return payment;
  return withPayout(payment, { ...payment.payout!, status: 'awaiting_account' }, true);
}

/** A dispute is open: the payout waits (still due) for it to close. */
export function recordWithheldForDispute(payment: Payment): Payment {
  if (payment.payout?.status === 'withheld_dispute') return payment;
  return withPayout(payment, { ...payment.payout!, status: 'withheld_dispute' }, true);
}

/** Nothing (more) to send or reverse. */
export function recordPayoutSettled(payment: Payment): Payment {
  if (!payment.payoutDue) return payment;
  return withPayout(payment, { ...payment.payout!, status: payment.payout!.transferId ? 'sent' : 'none_owed' }, false);
}

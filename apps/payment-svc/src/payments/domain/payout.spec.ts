import { abandonRefund, deferCapture, recordCapture, refund, refundAbandonedInFlight, startRefund } from './payment.js';
import { captured, held, now } from './payment.fixtures.js';
import { PaymentErrorCode } from './payment-error.js';
import { nextPayoutStep, paidOutCents, recordAwaitingAccount, recordPayoutSettled, recordReversal, recordTransfer } from './payout.js';

describe('capture kill switch', () => {
  it('remembers a capture it may not run, once, and clears the flag when the capture lands', () => {
    const deferred = deferCapture(held(), 10_000, 'provider_confirmed', now);
    expect(deferred).toMatchObject({ captureWaiting: true, deferredCapture: { amountCents: 10_000, reason: 'provider_confirmed' } });
    expect(deferCapture(deferred, 10_000, 'again', now)).toBe(deferred);
    expect(recordCapture(deferred, 10_000, now)).not.toHaveProperty('captureWaiting');
  });
});

describe('refunds in flight', () => {
  it('writes the refund with its Stripe key before the call, repeats it for the same request and refuses another meanwhile', () => {
    const started = startRefund(captured(), 3_000, 'goodwill', 'admin', 'req-1', now);
    expect(started).toMatchObject({ refundPending: true, refundInFlight: { requestId: 'req-1', amountCents: 3_000, stripeKey: 'booking:b1:refund-1:1' } });
    expect(startRefund(started, 3_000, 'goodwill', 'admin', 'req-1', now)).toBe(started);
    expect(() => startRefund(started, 1_000, 'other', 'admin', 'req-2', now)).toThrow(expect.objectContaining({ code: PaymentErrorCode.RefundInProgress }));
    const done = refund(started, 3_000, 'goodwill', 'admin', now, { requestId: 'req-1', refundId: 're_1' });
    expect(done).not.toHaveProperty('refundInFlight');
    expect(done).not.toHaveProperty('refundPending');
    expect(done.refunds).toEqual([expect.objectContaining({ requestId: 'req-1', refundId: 're_1', initiatedBy: 'admin' })]);
  });

  it('drops a refund Stripe refused, keeps why, and gives the next refund a new key', () => {
    const started = startRefund(captured(), 3_000, 'goodwill', 'admin', 'req-1', now);
    const refused = abandonRefund(started, 'charge_disputed', 'The charge is disputed', now);
    expect(refused).not.toHaveProperty('refundInFlight');
    expect(refused).not.toHaveProperty('refundPending');
    expect(refused).toMatchObject({ status: 'captured', refundedCents: 0, refunds: [] });
    expect(refused.refusedRefunds).toEqual([
      {
        requestId: 'req-1',
        amountCents: 3_000,
        reason: 'goodwill',
        initiatedBy: 'admin',
        code: 'charge_disputed',
        message: 'The charge is disputed',
        refusedAt: now,
      },
    ]);
    expect(abandonRefund(refused, 'again', 'again', now)).toBe(refused);
    expect(startRefund(refused, 3_000, 'goodwill', 'admin', 'req-2', now).refundInFlight?.stripeKey).toBe('booking:b1:refund-1:2');
  });

  it('leaves a refund to its caller while it is being asked, and to the sweep once it has been in flight too long', () => {
    const started = startRefund(captured(), 3_000, 'goodwill', 'admin', 'req-1', now);
    expect(refundAbandonedInFlight(started, new Date(now.getTime() + 119_999), 120_000)).toBe(false);
    expect(refundAbandonedInFlight(started, new Date(now.getTime() + 120_000), 120_000)).toBe(true);
    const { startedAt: _unknown, ...recordedBefore } = started.refundInFlight!;
    expect(refundAbandonedInFlight({ ...started, refundInFlight: recordedBefore }, now, 120_000)).toBe(true);
    expect(refundAbandonedInFlight(captured(), now, 0)).toBe(false);
  });

  it('refuses a refund above what remains before anything is written', () => {
    const partly = refund(captured(), 6_000, 'first', 'patient', now);
    expect(() => startRefund(partly, 4_001, 'too much', 'admin', 'req-9', now)).toThrow(
      expect.objectContaining({ code: PaymentErrorCode.RefundExceedsCaptured }),
    );
  });
});

describe('provider payouts', () => {
  it('transfers the captured amount less the platform fee once the provider has a Connect account', () => {
    const due = captured();
    expect(due).toMatchObject({ payoutDue: true, payout: { status: 'due' } });
    expect(nextPayoutStep(due, undefined)).toEqual({ kind: 'await_account' });
    const waiting = recordAwaitingAccount(due);
    expect(waiting).toMatchObject({ payoutDue: true, payout: { status: 'awaiting_account' } });
    expect(nextPayoutStep(waiting, 'acct_1')).toEqual({ kind: 'transfer', destination: 'acct_1', amountCents: 8_850 });
    const sent = recordTransfer(waiting, 'tr_1', 'acct_1', 8_850);
    expect(sent).not.toHaveProperty('payoutDue');
    expect(nextPayoutStep(sent, 'acct_1')).toEqual({ kind: 'settled' });
  });

  it('reverses what a later refund takes back from the provider, and nothing when the fee absorbs it', () => {
    const sent = recordTransfer(captured(), 'tr_1', 'acct_1', 8_850);
    const afterRefund = refund(sent, 5_000, 'late cancellation', 'patient', now);
    expect(afterRefund.payoutDue).toBe(true);
    expect(nextPayoutStep(afterRefund, 'acct_1')).toEqual({ kind: 'reverse', transferId: 'tr_1', amountCents: 5_000 });
    const reversed = recordReversal(afterRefund, 'trr_1', 5_000, now);
    expect(paidOutCents(reversed.payout!)).toBe(3_850);
    expect(nextPayoutStep(reversed, 'acct_1')).toEqual({ kind: 'settled' });
    const rest = refund(reversed, 5_000, 'the rest', 'admin', now);
    expect(nextPayoutStep(rest, 'acct_1')).toEqual({ kind: 'reverse', transferId: 'tr_1', amountCents: 3_850 });
  });

  it('owes nothing after a full refund before the transfer, and settles without calling Stripe', () => {
    const refunded = refund(captured(), 10_000, 'cancelled', 'provider', now);
    expect(nextPayoutStep(refunded, 'acct_1')).toEqual({ kind: 'settled' });
    expect(recordPayoutSettled(refunded)).toMatchObject({ payout: { status: 'none_owed' } });
    expect(recordPayoutSettled(refunded)).not.toHaveProperty('payoutDue');
  });
});

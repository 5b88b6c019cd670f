import { closeDispute, openDispute } from './dispute.js';
import { lostToDisputesCents } from './payment.js';
import { refund, refundableCents, startRefund } from './payment.js';
import { captured, now } from './payment.fixtures.js';
import { PaymentErrorCode } from './payment-error.js';
import { nextPayoutStep, paidOutCents, recordReversal, recordTransfer, recordWithheldForDispute } from './payout.js';

const report = { disputeId: 'dp_1', amountCents: 10_000, reason: 'fraudulent' };

describe('disputes', () => {
  it('records a dispute once, refuses refunds while it is open and withholds an unsent payout', () => {
    const disputed = openDispute(captured(), report, now);
    expect(disputed).toMatchObject({ disputeOpen: true, payoutDue: true, disputes: [{ disputeId: 'dp_1', status: 'open', amountCents: 10_000 }] });
    expect(openDispute(disputed, report, now)).toBe(disputed);
    expect(() => startRefund(disputed, 1_000, 'goodwill', 'admin', 'req-1', now)).toThrow(
      expect.objectContaining({ code: PaymentErrorCode.PaymentDisputed, details: { disputeIds: ['dp_1'] } }),
    );
    expect(nextPayoutStep(disputed, 'acct_1')).toEqual({ kind: 'await_dispute' });
    const withheld = recordWithheldForDispute(disputed);
    expect(withheld).toMatchObject({ payoutDue: true, payout: { status: 'withheld_dispute' } });
    expect(recordWithheldForDispute(withheld)).toBe(withheld);
  });

  it('pays the provider in full after a won dispute', () => {
    const won = closeDispute(openDispute(captured(), report, now), report, 'won', now);
    expect(won).not.toHaveProperty('disputeOpen');
    expect(won.disputes).toEqual([expect.objectContaining({ status: 'won', closedAt: now })]);
    expect(nextPayoutStep(won, 'acct_1')).toEqual({ kind: 'transfer', destination: 'acct_1', amountCents: 8_850 });
    expect(closeDispute(won, report, 'lost', now)).toBe(won);
  });

  it('takes a lost dispute out of what the provider is owed and what may still be refunded', () => {
    const partial = { ...report, amountCents: 4_000 };
    const sent = recordTransfer(captured(), 'tr_1', 'acct_1', 8_850);
    const open = openDispute(sent, partial, now);
    expect(nextPayoutStep(open, 'acct_1')).toEqual({ kind: 'settled' }); // nothing is reversed before the outcome
    const lost = closeDispute(open, partial, 'lost', now);
    expect(lostToDisputesCents(lost)).toBe(4_000);
    expect(refundableCents(lost)).toBe(6_000);
    expect(lost.payoutDue).toBe(true);
    expect(nextPayoutStep(lost, 'acct_1')).toEqual({ kind: 'reverse', transferId: 'tr_1', amountCents: 4_000 });
    expect(paidOutCents(recordReversal(lost, 'trr_1', 4_000, now).payout!)).toBe(4_850);
    expect(() => startRefund(lost, 6_001, 'too much', 'admin', 'req-2', now)).toThrow(
      expect.objectContaining({ code: PaymentErrorCode.RefundExceedsCaptured }),
    );
    expect(refund(lost, 6_000, 'the rest', 'admin', now).status).toBe('refunded');
  });

  it('records a close that arrives before its opening, whole', () => {
    const lost = closeDispute(captured(), report, 'lost', now);
    expect(lost).not.toHaveProperty('disputeOpen');
    expect(lost.disputes).toEqual([expect.objectContaining({ disputeId: 'dp_1', status: 'lost', openedAt: now, closedAt: now })]);
    expect(openDispute(lost, report, now)).toBe(lost);
    expect(nextPayoutStep(lost, 'acct_1')).toEqual({ kind: 'settled' });
  });
});

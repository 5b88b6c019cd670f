import fc from 'fast-check';
import { DEFAULT_FEE_POLICY } from '@bp/pricing';
import { captured, held, now, request, requestInput } from './payment.fixtures.js';
import {
  abandonFailedCapture,
  confirmUpfrontCharge,
  holdExpiringSoon,
  newPayment,
  nextAttempt,
  recordCancelled,
  recordCapture,
  recordFailure,
  recordHold,
  recordUpfrontCharge,
  refund,
  stripeIdempotencyKey,
  transferableCents,
} from './payment.js';
import { PaymentErrorCode } from './payment-error.js';

describe('payment', () => {
  it('keeps the fee booking-svc priced the booking with, and refuses one outside 0..amount', () => {
    const terms = { percentage: 20, flatFeeCents: 100, maxFeeCents: 5_000 };
    const priced = newPayment({ ...requestInput, feePolicy: terms, platformFeeCents: 2_100 });
    expect(priced.fee).toEqual({ ...terms, calculatedFeeCents: 2_100 });
    expect(transferableCents(recordCapture(recordHold(priced, 'pi_1', now), 10_000, now))).toBe(7_900);
    expect(request().fee).toEqual({ ...DEFAULT_FEE_POLICY, calculatedFeeCents: 1_150 });
    for (const platformFeeCents of [-1, 10_001, 1.5])
      expect(() => newPayment({ ...requestInput, feePolicy: terms, platformFeeCents })).toThrow(
        expect.objectContaining({ code: PaymentErrorCode.ValidationFailed }),
      );
  });

  it('holds until Stripe’s capture_before, or seven days', () => {
    expect(recordHold(request(), 'pi_1', now).hold?.expiresAt).toEqual(new Date('2030-01-08T10:00:00Z'));
    expect(recordHold(request(), 'pi_1', now, new Date('2030-01-06T00:00:00Z')).hold?.expiresAt).toEqual(new Date('2030-01-06T00:00:00Z'));
  });

  it('captures a hold once (a replayed answer changes nothing) and never more than held', () => {
    const held = recordHold(request(), 'pi_1', now);
    const once = recordCapture(held, 10_000, now);
    expect(once).toMatchObject({ status: 'captured', capturedCents: 10_000, version: 3 });
    expect(recordCapture(once, 10_000, now)).toBe(once);
    expect(() => recordCapture(held, 10_001, now)).toThrow(expect.objectContaining({ code: PaymentErrorCode.CaptureExceedsHold }));
    expect(() => recordCapture(request(), 10_000, now)).toThrow(expect.objectContaining({ code: PaymentErrorCode.InvalidPaymentTransition }));
  });

  it('refunds in parts down to zero and refuses more than remains', () => {
    const partly = refund(captured(), 3_000, 'late cancellation', 'patient', now);
    expect(partly).toMatchObject({ status: 'partial_refund', refundedCents: 3_000 });
    expect(() => refund(partly, 7_001, 'too much', 'admin', now)).toThrow(
      expect.objectContaining({ code: PaymentErrorCode.RefundExceedsCaptured, details: { remainingCents: 7_000, requestedCents: 7_001 } }),
    );
    const all = refund(partly, 7_000, 'goodwill', 'admin', now);
    expect(all).toMatchObject({ status: 'refunded', refundedCents: 10_000 });
    expect(all.refunds.map((r) => [r.amountCents, r.initiatedBy])).toEqual([
      [3_000, 'patient'],
      [7_000, 'admin'],
    ]);
  });

  it('answers a refund of a fully refunded payment as more than remains', () => {
    const all = refund(captured(), 10_000, 'r', 'admin', now);
    expect(all.status).toBe('refunded');
    expect(() => refund(all, 1, 'r', 'admin', now)).toThrow(
      expect.objectContaining({ code: PaymentErrorCode.RefundExceedsCaptured, details: { remainingCents: 0, requestedCents: 1 } }),
    );
  });

  it('never refunds more than was captured, whatever the sequence of requests', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6_000 }), { maxLength: 10 }), (amounts) => {
        let payment = captured();
        for (const amount of amounts) {
          try {
            payment = refund(payment, amount, 'r', 'admin', now);
          } catch (error) {
            expect(error).toMatchObject({ code: PaymentErrorCode.RefundExceedsCaptured });
          }
        }
        expect(payment.refundedCents).toBeLessThanOrEqual(payment.capturedCents);
        expect(payment.refunds.reduce((sum, r) => sum + r.amountCents, 0)).toBe(payment.refundedCents);
      }),
    );
  });

  it('starts over after a failed capture the patient pays again for: no intent, new capture and cancel keys', () => {
    const failed = recordFailure(held(), 'capture', 'expired_card', 'The card has expired.');
    const abandoned = abandonFailedCapture(failed);
    expect(abandoned).toMatchObject({ status: 'failed', version: failed.version + 1 });
    expect(abandoned).not.toHaveProperty('paymentIntentId');
    expect(stripeIdempotencyKey(abandoned, 'capture')).toBe('booking:b1:capture:2');
    expect(stripeIdempotencyKey(abandoned, 'cancel')).toBe('booking:b1:cancel:2');
    expect(recordHold(abandoned, 'pi_2', now)).toMatchObject({ status: 'held', paymentIntentId: 'pi_2' });
    expect(() => abandonFailedCapture(request())).toThrow(expect.objectContaining({ code: PaymentErrorCode.InvalidPaymentTransition }));
  });

  it('keys Stripe calls by booking, operation and attempt; a retry after a decline is a new attempt', () => {
    const pending = request();
    expect(stripeIdempotencyKey(pending, 'hold')).toBe('booking:b1:hold:1');
    const declined = recordFailure(pending, 'hold', 'card_declined', 'Your card was declined.');
    expect(declined).toMatchObject({ status: 'failed', failure: { code: 'card_declined' } });
    const retried = nextAttempt(declined, 'hold');
    expect(stripeIdempotencyKey(retried, 'hold')).toBe('booking:b1:hold:2');
    expect(recordHold(retried, 'pi_2', now)).not.toHaveProperty('failure');
  });

  it('cancels a hold (idempotently) and pays the provider the captured amount less fee and refunds', () => {
    const cancelled = recordCancelled(recordHold(request(), 'pi_1', now), 'provider_declined', now);
    expect(cancelled).toMatchObject({ status: 'cancelled', hold: { cancelReason: 'provider_declined' } });
    expect(recordCancelled(cancelled, 'again', now)).toBe(cancelled);
    expect(() => recordCancelled(captured(), 'late', now)).toThrow(expect.objectContaining({ code: PaymentErrorCode.InvalidPaymentTransition }));
    expect(transferableCents(captured())).toBe(8_850);
    expect(transferableCents(refund(captured(), 5_000, 'r', 'patient', now))).toBe(3_850);
  });

  it('flags a hold within 24 hours of lapsing', () => {
    const held = recordHold(request(), 'pi_1', now);
    expect(holdExpiringSoon(held, new Date('2030-01-07T09:59:59Z'))).toBe(false);
    expect(holdExpiringSoon(held, new Date('2030-01-07T10:00:00Z'))).toBe(true);
  });
});

describe('a request booking charged up front (payment holds off)', () => {
  const upfront = () => recordUpfrontCharge({ ...request(), captureMode: 'automatic' }, 'pi_up', 10_000, now);

  it('is captured with nothing owed to the provider until they confirm', () => {
    expect(upfront()).toMatchObject({ status: 'captured', capturedCents: 10_000, awaitingConfirmation: true, paymentIntentId: 'pi_up' });
    expect(upfront().payoutDue).toBeUndefined();
    const confirmed = confirmUpfrontCharge(upfront());
    expect(confirmed).toMatchObject({ status: 'captured', payoutDue: true, payout: { status: 'due' } });
    expect(confirmed.awaitingConfirmation).toBeUndefined();
    expect(confirmUpfrontCharge(confirmed)).toBe(confirmed); // a repeated confirmation changes nothing
  });

  it('cannot charge more than the booking costs, nor charge a payment that already holds money', () => {
    expect(() => recordUpfrontCharge(request(), 'pi_up', 10_001, now)).toThrow();
    expect(() => recordUpfrontCharge(upfront(), 'pi_up', 10_000, now)).toThrow();
  });
});

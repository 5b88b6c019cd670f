import fc from 'fast-check';
import { held, now, request } from './payment.fixtures.js';
import { holdReviewHour, hourOf, hoursAfter } from './hold-review.js';
import { HOLD_WARNING_MS, extendHold, holdExpiringSoon, markHoldExpiringNotified, recordCancelled, recordCapture, recordHold } from './payment.js';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(now.getTime() + hours * HOUR);

describe('the hour the hold monitor reviews a payment in', () => {
  it('is the hour its expiry warning falls due, while it has not been given', () => {
    // now is 2030-01-01T10:00; a seven-day hold lapses on the 8th at 10:00 and is warned about a day before.
    expect(holdReviewHour(held(), now)).toBe('2030-01-07T10');
    expect(holdReviewHour(recordHold(request(), 'pi_1', now, new Date('2030-01-05T17:45:00Z')), now)).toBe('2030-01-04T17');
  });

  it('is the hour the hold lapses once the warning is given', () => {
    expect(holdReviewHour(markHoldExpiringNotified(held(), at(6 * 24)), at(6 * 24))).toBe('2030-01-08T10');
  });

  it('is the hour of the write when that moment has passed (a review already due is never filed behind the monitor)', () => {
    const lapsesSoon = recordHold(request(), 'pi_1', now, at(3));
    expect(holdReviewHour(lapsesSoon, new Date('2030-01-01T10:42:10Z'))).toBe('2030-01-01T10');
    const warned = markHoldExpiringNotified(lapsesSoon, now);
    expect(holdReviewHour(warned, at(2))).toBe('2030-01-01T13');
    expect(holdReviewHour(warned, at(5.5))).toBe('2030-01-01T15');
  });

  it('starts over from the warning when Stripe extends the hold (the warning is given again)', () => {
    const warned = markHoldExpiringNotified(held(), at(6 * 24));
    expect(holdReviewHour(extendHold(warned, at(10 * 24)), at(6 * 24))).toBe('2030-01-10T10');
  });

  it('is none for a payment that holds nothing', () => {
    expect(holdReviewHour(request(), now)).toBeUndefined();
    expect(holdReviewHour(recordCapture(held(), 10_000, now), now)).toBeUndefined();
    expect(holdReviewHour(recordCancelled(held(), 'expired', now), now)).toBeUndefined();
  });

  it('is never before the hour of the write, and by the end of its hour the monitor finds the hold due', () => {
    fc.assert(
      fc.property(fc.integer({ min: -300, max: 300 }), fc.integer({ min: 0, max: 400 * 60 }), fc.boolean(), (lapseHours, writtenMinutes, warned) => {
        const hold = recordHold(request(), 'pi_1', now, new Date(now.getTime() + lapseHours * HOUR + 17_000));
        const payment = warned ? markHoldExpiringNotified(hold, now) : hold;
        const writtenAt = new Date(now.getTime() + writtenMinutes * 60_000);
        const hour = holdReviewHour(payment, writtenAt)!;
        expect(hour >= hourOf(writtenAt)).toBe(true);
        const endOfHour = new Date(Date.parse(`${hour}:00:00Z`) + HOUR);
        const due = warned ? payment.hold!.expiresAt.getTime() <= endOfHour.getTime() : holdExpiringSoon(payment, endOfHour, HOLD_WARNING_MS);
        expect(due).toBe(true);
      }),
    );
  });
});

describe('hours', () => {
  it('are UTC hours, counted across days and years', () => {
    expect(hourOf(new Date('2030-01-01T10:59:59.999Z'))).toBe('2030-01-01T10');
    expect(hourOf(new Date('2030-01-01T00:30:00+01:00'))).toBe('2029-12-31T23');
    expect(hoursAfter('2029-12-31T23', 1)).toBe('2030-01-01T00');
    expect(hoursAfter('2030-03-01T00', -1)).toBe('2030-02-28T23');
    expect(hoursAfter('2030-01-10T12', -8 * 24)).toBe('2030-01-02T12');
  });
});

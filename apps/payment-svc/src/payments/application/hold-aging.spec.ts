import { DEFAULT_FEE_POLICY } from '@bp/pricing';
import { type Payment, deferCapture, newPayment, recordHold } from '../domain/payment.js';
import { summarizeHolds } from './hold-aging.js';

const now = new Date('2030-01-10T12:00:00Z');
const heldAt = (hoursAgo: number, currency = 'usd', amountCents = 10_000): Payment =>
  recordHold(
    newPayment({ bookingId: `b${hoursAgo}`, patientId: 'u', providerId: 'p', amountCents, currency, captureMode: 'manual', feePolicy: DEFAULT_FEE_POLICY }),
    'pi',
    new Date(now.getTime() - hoursAgo * 3_600_000),
  );

describe('summarizeHolds', () => {
  it('puts each open hold in the spec’s aging bucket and totals amounts per currency', () => {
    const held = [heldAt(1), heldAt(23.9), heldAt(24), heldAt(71), heldAt(72), heldAt(121), heldAt(167), heldAt(168, 'eur', 5_000)];
    held[0] = deferCapture(held[0]!, 10_000, 'provider_confirmed', now);
    expect(summarizeHolds(held, now)).toEqual({
      activeHoldsCount: 8,
      activeHoldsAmountCents: { usd: 70_000, eur: 5_000 },
      holdsAging: { under24h: 2, days1to3: 2, days3to5: 1, days5to7: 2, over7days: 1 },
      capturesDeferred: 1,
      // Seven-day holds placed 144 h or more ago lapse within a day.
      expiringWithin24h: 2,
    });
  });
});

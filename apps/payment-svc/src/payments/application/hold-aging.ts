import type { HeldPayment } from '../infrastructure/payment.repository.js';

const DAY_MS = 86_400_000;

export interface HoldsSummary {
  activeHoldsCount: number;
  /** Per currency, in minor units. */
  activeHoldsAmountCents: Record<string, number>;
  holdsAging: { under24h: number; days1to3: number; days3to5: number; days5to7: number; over7days: number };
  capturesDeferred: number;
  expiringWithin24h: number;
}

/**
 * The payment side of the admin health dashboard: open holds by amount and by age (the spec's buckets),
 * from every held payment (PaymentRepository.listHeld).
 */
export function summarizeHolds(held: ReadonlyArray<Pick<HeldPayment, 'currency' | 'amountCents' | 'captureWaiting' | 'hold'>>, now: Date): HoldsSummary {
  const aging = { under24h: 0, days1to3: 0, days3to5: 0, days5to7: 0, over7days: 0 };
  const amounts: Record<string, number> = {};
  let expiring = 0;
  for (const payment of held) {
    amounts[payment.currency] = (amounts[payment.currency] ?? 0) + payment.amountCents;
    const ageDays = payment.hold ? (now.getTime() - payment.hold.createdAt.getTime()) / DAY_MS : 0;
    if (ageDays < 1) aging.under24h++;
    else if (ageDays < 3) aging.days1to3++;
    else if (ageDays < 5) aging.days3to5++;
    else if (ageDays < 7) aging.days5to7++;
    else aging.over7days++;
    if (payment.hold && payment.hold.expiresAt.getTime() - now.getTime() <= DAY_MS) expiring++;
  }
  return {
    activeHoldsCount: held.length,
    activeHoldsAmountCents: amounts,
    holdsAging: aging,
    capturesDeferred: held.filter((p) => p.captureWaiting).length,
    expiringWithin24h: expiring,
  };
}

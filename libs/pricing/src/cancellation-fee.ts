/** The share of the price a patient owes for cancelling inside the provider's notice window (0 outside it). */
export function cancellationFee(priceCents: number, feePercent: number, start: Date, noticeHours: number, now: Date): number {
  const insideNotice = start.getTime() - now.getTime() < noticeHours * 3_600_000;
  return insideNotice ? Math.round((priceCents * feePercent) / 100) : 0;
}

import type { Dispute, Payment } from './payment.js';

export interface DisputeReport {
  disputeId: string;
  amountCents: number;
  reason: string;
}

function withDisputes(payment: Payment, disputes: Dispute[]): Payment {
  const { disputeOpen: _previous, ...rest } = payment;
  const open = disputes.some((d) => d.status === 'open');
  return {
    ...rest,
    disputes,
    ...(open ? { disputeOpen: true as const } : {}),
    // What the provider is owed may change (a lost dispute) or be released (a closed one): the payout step decides.
    ...(payment.payout ? { payoutDue: true as const } : {}),
    version: payment.version + 1,
  };
}

/** A dispute opened: recorded once (a repeated or late report of it changes nothing). */
export function openDispute(payment: Payment, report: DisputeReport, now: Date): Payment {
  const disputes = payment.disputes ?? [];
  if (disputes.some((d) => d.disputeId === report.disputeId)) return payment;
  return withDisputes(payment, [...disputes, { ...report, status: 'open', openedAt: now }]);
}

/**
 * A dispute closed. Won: nothing was lost. Lost: the disputed amount went back to the cardholder, so
 * the provider is owed that much less (an unsent payout shrinks, a sent one is partly reversed). A close
 * reported before its opening is recorded whole; a second report of it changes nothing.
 */
export function closeDispute(payment: Payment, report: DisputeReport, outcome: 'won' | 'lost', now: Date): Payment {
  const disputes = payment.disputes ?? [];
  const known = disputes.find((d) => d.disputeId === report.disputeId);
  if (known && known.status !== 'open') return payment;
  const closed: Dispute = { ...(known ?? { ...report, openedAt: now }), amountCents: report.amountCents, status: outcome, closedAt: now };
  return withDisputes(payment, known ? disputes.map((d) => (d === known ? closed : d)) : [...disputes, closed]);
}

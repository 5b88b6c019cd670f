import { IsIn, IsInt, IsNotEmpty, IsString, Min } from 'class-validator';

/** How a dispute ended: `lost` means the disputed amount went back to the cardholder. */
export const DISPUTE_OUTCOMES = ['won', 'lost'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

/**
 * The cardholder disputed the charge (Stripe `charge.dispute.created`). Refunds are refused and an
 * unsent provider payout is withheld until it closes; an admin must answer it at Stripe.
 */
export class PaymentDisputed {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  disputeId: string;

  @IsInt()
  @Min(0)
  amountCents: number;

  /** Stripe's reason, e.g. `fraudulent`, `product_not_received`. */
  @IsString()
  @IsNotEmpty()
  reason: string;
}

/** The dispute closed (Stripe `charge.dispute.closed`). */
export class PaymentDisputeClosed {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  disputeId: string;

  @IsInt()
  @Min(0)
  amountCents: number;

  @IsIn(DISPUTE_OUTCOMES)
  outcome: DisputeOutcome;
}

import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';

export const REFUND_INITIATORS = ['patient', 'provider', 'admin', 'system'] as const;
export type RefundInitiator = (typeof REFUND_INITIATORS)[number];

/** Asks payment-svc to refund part or all of a booking's captured payment. */
export class RefundPayment {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsInt()
  @Min(1)
  amountCents: number;

  @IsString()
  @IsNotEmpty()
  reason: string;

  /** Whose decision the refund is (the spec's refunds[].initiatedBy); `system` when absent. */
  @IsOptional()
  @IsIn(REFUND_INITIATORS)
  initiatedBy?: RefundInitiator;
}

import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';

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
}

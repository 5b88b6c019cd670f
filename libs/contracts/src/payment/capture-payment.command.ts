import { IsInt, IsNotEmpty, IsString, Min } from 'class-validator';

/** Asks payment-svc to capture a booking's hold (all of it, or a cancellation fee's part). */
export class CapturePayment {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsInt()
  @Min(0)
  amountCents: number;

  @IsString()
  @IsNotEmpty()
  reason: string;
}

import { IsNotEmpty, IsString } from 'class-validator';

/** Asks payment-svc to cancel the manual-capture hold of a booking that will not go ahead. */
export class ReleasePaymentHold {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  reason: string;
}

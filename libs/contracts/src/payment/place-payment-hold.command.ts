import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Length, Min } from 'class-validator';

/** Asks payment-svc to authorise the patient's card for a booking (manual capture: a hold, not a charge). */
export class PlacePaymentHold {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  patientId: string;

  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsInt()
  @Min(0)
  amountCents: number;

  @IsString()
  @Length(3, 3)
  currency: string;

  @IsInt()
  @Min(0)
  platformFeeCents: number;

  /** instant bookings are captured right after the hold; request bookings when the provider confirms. */
  @IsIn(['instant', 'request'])
  bookingType: 'instant' | 'request';

  /** The booking number: the Stripe transfer group of the booking's charge and payout. */
  @IsOptional()
  @IsString()
  bookingNumber?: string;

  /** The patient's saved card (Stripe customer and payment method), as the client app collected it. */
  @IsOptional()
  @IsString()
  customerId?: string;

  @IsOptional()
  @IsString()
  paymentMethodId?: string;
}

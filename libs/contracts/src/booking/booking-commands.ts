import { IsIn, IsNotEmpty, IsString } from 'class-validator';

/** A deadline of a booking has passed (sent by scheduler-svc; booking-svc decides whether it still applies). */
export class ExpireBookingDeadline {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  /** Whose answer lapsed: the provider's (confirmation), the patient's to a new time, the patient's payment after a failure, or their authentication of it. */
  @IsIn(['confirmation', 'reschedule_response', 'payment_retry', 'payment_action'])
  deadline: 'confirmation' | 'reschedule_response' | 'payment_retry' | 'payment_action';
}

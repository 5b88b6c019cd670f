import { IsIn, IsNotEmpty, IsString } from 'class-validator';

/** A deadline of a booking has passed (sent by scheduler-svc; booking-svc decides whether it still applies). */
export class ExpireBookingDeadline {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsIn(['confirmation', 'reschedule_response'])
  deadline: 'confirmation' | 'reschedule_response';
}

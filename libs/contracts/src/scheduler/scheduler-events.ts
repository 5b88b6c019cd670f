import { IsDateString, IsIn, IsNotEmpty, IsString } from 'class-validator';

/** The booking a scheduler event is about, and the two people it concerns. */
class BookingPartiesEvent {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsString()
  @IsNotEmpty()
  patientId: string;
}

/** A request's confirmation deadline is near (the spec's provider "expiring soon" warning, 4 h before by default). */
export class ConfirmationDeadlineApproaching extends BookingPartiesEvent {
  @IsDateString()
  deadline: string;
}

/** An appointment starts in 24 hours or in 1 hour: time to remind its patient and provider. */
export class AppointmentReminderDue extends BookingPartiesEvent {
  @IsDateString()
  startTime: string;

  @IsIn([24, 1])
  hoursBefore: 24 | 1;
}

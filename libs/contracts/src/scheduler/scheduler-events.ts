import { IsDateString, IsIn, IsNotEmpty, IsString } from 'class-validator';

/** A request's confirmation deadline is near (the spec's provider "expiring soon" warning, 4 h before by default). */
export class ConfirmationDeadlineApproaching {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsString()
  @IsNotEmpty()
  patientId: string;

  @IsDateString()
  deadline: string;
}

/** An appointment starts in 24 hours or in 1 hour: time to remind its patient and provider. */
export class AppointmentReminderDue {
  @IsString()
  @IsNotEmpty()
  bookingId: string;

  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsString()
  @IsNotEmpty()
  patientId: string;

  @IsDateString()
  startTime: string;

  @IsIn([24, 1])
  hoursBefore: 24 | 1;
}

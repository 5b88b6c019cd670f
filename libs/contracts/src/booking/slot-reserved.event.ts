import { IsDateString, IsNotEmpty, IsString } from 'class-validator';

/** booking-svc held a slot for a patient during checkout; it is released at `expiresAt` unless converted. */
export class SlotReserved {
  @IsString()
  @IsNotEmpty()
  reservationId: string;

  @IsString()
  @IsNotEmpty()
  providerId: string;

  @IsString()
  @IsNotEmpty()
  patientId: string;

  @IsString()
  @IsNotEmpty()
  serviceId: string;

  @IsDateString()
  startTime: string;

  @IsDateString()
  endTime: string;

  @IsDateString()
  expiresAt: string;
}

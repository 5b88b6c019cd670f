import { IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class ReserveSlotRequest {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  providerId: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  serviceId: string;

  @IsISO8601({ strict: true })
  startTime: string;

  @IsISO8601({ strict: true })
  endTime: string;
}

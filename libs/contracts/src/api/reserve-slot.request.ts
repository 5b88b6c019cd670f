import { IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

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

  /** Optional: the service's duration decides; when given it must agree. */
  @IsOptional()
  @IsISO8601({ strict: true })
  endTime?: string;
}

import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNumber, IsOptional, ValidateNested } from 'class-validator';

// Every field optional (a partial change); types only here, bounds are the domain's (422, all listed).
const IsFiniteNumber = () => IsNumber({ allowNaN: false, allowInfinity: false });

export class AutoConfirmRequest {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsFiniteNumber() maxDailyAutoConfirm?: number;
}

export class SettingsRequest {
  /** Admin only (403 otherwise), as is modeOverride. */
  @IsOptional() @IsIn(['instant', 'request']) mode?: 'instant' | 'request';
  @IsOptional() @IsBoolean() modeOverride?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => AutoConfirmRequest)
  autoConfirm?: AutoConfirmRequest;

  @IsOptional() @IsFiniteNumber() confirmationDeadlineHours?: number;
  @IsOptional() @IsFiniteNumber() minimumNoticeHours?: number;
  @IsOptional() @IsFiniteNumber() maximumAdvanceDays?: number;
  @IsOptional() @IsFiniteNumber() bufferMinutes?: number;
  @IsOptional() @IsBoolean() allowReschedule?: boolean;
  @IsOptional() @IsFiniteNumber() maxRescheduleAttempts?: number;
  @IsOptional() @IsFiniteNumber() rescheduleNoticeHours?: number;
  @IsOptional() @IsBoolean() allowCancellation?: boolean;
  @IsOptional() @IsFiniteNumber() cancellationNoticeHours?: number;
  @IsOptional() @IsFiniteNumber() cancellationFeePercent?: number;
  @IsOptional() @IsFiniteNumber() slotDurationMinutes?: number;
  @IsOptional() @IsBoolean() allowMultipleServices?: boolean;
}

import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** A device of the caller's that should receive push notifications (its FCM registration token). */
export class RegisterDeviceRequest {
  @IsString()
  @MaxLength(4096)
  @Matches(/^[\w:.-]+$/, { message: 'token must be an FCM registration token' })
  token: string;

  @IsOptional()
  @IsIn(['ios', 'android', 'web'])
  platform?: 'ios' | 'android' | 'web';
}

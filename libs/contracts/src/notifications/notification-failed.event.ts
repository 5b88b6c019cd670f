import { IsDateString, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Min } from 'class-validator';

export const NOTIFICATION_CHANNELS = ['email', 'push', 'sms'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * notification-svc gave up on one delivery (one message on one channel to one person): the provider
 * refused it for good, or every retry failed. Carries the reason's stable code, never the message
 * text or the address.
 */
export class NotificationFailed {
  @IsString()
  @IsNotEmpty()
  deliveryId: string;

  /** The booking it was about; absent for a digest, which lists several. */
  @IsOptional()
  @IsString()
  bookingId?: string;

  @IsString()
  @IsNotEmpty()
  template: string;

  @IsIn(NOTIFICATION_CHANNELS)
  channel: NotificationChannel;

  @IsIn(['patient', 'provider'])
  recipientRole: 'patient' | 'provider';

  @IsString()
  @IsNotEmpty()
  recipientId: string;

  @IsInt()
  @Min(1)
  attempts: number;

  /** The channel's stable reason, like UNREGISTERED, TWILIO_21211 or SMTP_451. */
  @IsString()
  @IsNotEmpty()
  errorCode: string;

  @IsDateString()
  failedAt: string;
}

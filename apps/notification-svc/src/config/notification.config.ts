import { IsEmail, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DatabaseServiceConfig } from '@bp/platform';

export class NotificationConfig extends DatabaseServiceConfig {
  override PORT = 3004;
  override MONGO_DB = 'notification';

  /** The SMTP server email goes through (smtp:// or smtps://, credentials in the URL); email is off when unset. */
  @IsOptional()
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsEmail()
  MAIL_FROM = 'bookings@example.health';

  /** The app's web host for universal links (https://<host>/booking/:id). */
  @IsString()
  APP_HOST = 'app.example.health';

  /** The app's URL scheme for deep links (<scheme>://booking/:id). */
  @Matches(/^[a-z][a-z0-9+.-]*$/, { message: 'APP_SCHEME must be a URL scheme' })
  APP_SCHEME = 'examplehealth';

  /** How often notifications held by quiet hours are checked for sending. */
  @IsInt()
  @Min(200)
  @Max(3_600_000)
  DEFERRED_SWEEP_INTERVAL_MS: number = 30_000;
}

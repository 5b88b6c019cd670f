import { IsNotEmpty, IsString } from 'class-validator';

/** Asks calendar-svc to refresh a provider's busy times (sent by scheduler-svc's sync-retry job). */
export class SyncProviderCalendar {
  @IsString()
  @IsNotEmpty()
  providerId: string;
}

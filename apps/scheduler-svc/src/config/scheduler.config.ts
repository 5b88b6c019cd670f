import { IsInt, Max, Min } from 'class-validator';
import { DatabaseServiceConfig } from '@bp/platform';

export class SchedulerConfig extends DatabaseServiceConfig {
  override PORT = 3005;
  override MONGO_DB = 'scheduler';

  /** How often due timers are looked for: a timer fires at most about this long after its time. */
  @IsInt()
  @Min(100)
  @Max(60_000)
  TIMER_POLL_INTERVAL_MS: number = 1000;

  /** How long before a request's confirmation deadline the provider is warned (the spec: 4 hours). */
  @IsInt()
  @Min(1)
  @Max(72)
  CONFIRMATION_WARNING_HOURS: number = 4;
}

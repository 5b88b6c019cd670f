import { IsInt, Max, Min } from 'class-validator';
import { DatabaseServiceConfig } from '@bp/platform';

export class BookingConfig extends DatabaseServiceConfig {
  override PORT = 3001;
  override MONGO_DB = 'booking';

  /** How long a slot reservation holds the slot during checkout. */
  @IsInt()
  @Min(60)
  @Max(3600)
  RESERVATION_TTL_SECONDS = 300;
}

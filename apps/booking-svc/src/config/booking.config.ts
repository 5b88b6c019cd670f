import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { IdempotentServiceConfig } from '@bp/platform';

export class BookingConfig extends IdempotentServiceConfig {
  override PORT = 3001;
  override MONGO_DB = 'booking';

  /** calendar-svc, asked for a fresh free/busy look before a request booking's hold is captured. */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  CALENDAR_SVC_URL = 'http://127.0.0.1:3003';

  /** How long that look may take before the confirmation goes ahead without it. */
  @IsInt()
  @Min(100)
  @Max(30_000)
  CALENDAR_CHECK_TIMEOUT_MS: number = 3_000;

  /** How long a slot reservation holds the slot during checkout. */
  @IsInt()
  @Min(60)
  @Max(3600)
  RESERVATION_TTL_SECONDS = 300;

  /**
   * New reservations are refused (503 OVERLOADED, Retry-After) while this process's consumers handle
   * messages later than this after their state change, i.e. while bookings already made wait in Kafka
   * for their payment and confirmation (docs/back-pressure.md). 0 turns the check off.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  INTAKE_MAX_CONSUMER_DELAY_MS: number = 10_000;

  /**
   * How long a patient may pay again after a failed payment (hold or capture) before the booking
   * expires and frees its slot; never past the appointment's start (docs/failure-model.md).
   */
  @IsInt()
  @Min(10)
  @Max(7 * 24 * 3600)
  PAYMENT_RETRY_WINDOW_SECONDS: number = 3600;

  /**
   * How long a patient has to authenticate a payment their bank asks about (3-D Secure) before the
   * booking expires and frees its slot; never past the appointment's start.
   */
  @IsInt()
  @Min(10)
  @Max(24 * 3600)
  PAYMENT_ACTION_WINDOW_SECONDS: number = 900;

  /** The abuse guard: how many live reservations one patient may hold at once. */
  @IsInt()
  @Min(1)
  @Max(20)
  MAX_ACTIVE_RESERVATIONS_PER_PATIENT = 3;

  /** The platform fee: PERCENT of the price plus FLAT cents, at most MAX cents (spec: 10 % + 150, capped at 3,500). */
  @IsInt()
  @Min(0)
  @Max(100)
  PLATFORM_FEE_PERCENT = 10;

  @IsInt()
  @Min(0)
  PLATFORM_FEE_FLAT_CENTS = 150;

  @IsInt()
  @Min(0)
  PLATFORM_FEE_MAX_CENTS = 3500;

  /**
   * How long a slot reservation is kept once it ended (became a booking or lapsed): the booking carries
   * everything it said. A reservation still holding its slot is never deleted (docs/retention.md).
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  RESERVATION_RETENTION_DAYS: number = 30;
}

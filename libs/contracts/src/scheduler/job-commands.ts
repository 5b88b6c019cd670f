import { IsDateString, IsNotEmpty, IsString } from 'class-validator';

/**
 * A command sent by one scheduled run of a scheduler-svc periodic job. `runId` names the run
 * (`<job>:<scheduledFor>`), so the receiver can tell a redelivery of one run from the next run.
 */
class ScheduledJobCommand {
  @IsString()
  @IsNotEmpty()
  runId: string;

  @IsDateString()
  scheduledFor: string;
}

/** booking-svc: recompute every provider's derived stats and trust score as of now (the spec's 6-hourly stats job). */
export class RecomputeProviderStats extends ScheduledJobCommand {}

/** booking-svc: release lapsed reservations and their slot claims, prune old idempotency records (the spec's every-minute cleanup). */
export class CleanUpBookingHolds extends ScheduledJobCommand {}

/** payment-svc: run the hold monitor now (the spec's hourly payment-hold monitor). */
export class RunPaymentHoldMonitor extends ScheduledJobCommand {}

/** calendar-svc: retry the calendar syncs that failed (the spec's 15-minute calendar sync job). */
export class RetryFailedCalendarSyncs extends ScheduledJobCommand {}

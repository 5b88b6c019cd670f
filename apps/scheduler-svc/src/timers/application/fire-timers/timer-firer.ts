import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@bp/contracts';
import { type OutgoingMessage, buildMessage } from '@bp/messaging';
import { counter, histogram } from '@bp/platform';
import { SchedulerConfig } from '../../../config/scheduler.config.js';
import { TimerPollHeartbeat } from '../../../jobs/application/timer-poll-heartbeat.js';
import { DEADLINE_OF, REMINDER_HOURS, type TimerKind, minuteOf } from '../../domain/timer.js';
import { CatchUpWatermark } from '../../infrastructure/catch-up-watermark.store.js';
import { type StoredTimer, TimerStore } from '../../infrastructure/timer.store.js';

const BATCH = 200;
/** Minute buckets one catch-up run reads at most (a longer outage is worked through by the next runs). */
const CATCH_UP_MINUTES = 240;

const metrics = {
  lateness: () =>
    histogram('scheduler_timer_lateness_seconds', 'How long after its due time a timer fired', ['kind'], [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60]),
  fired: () => counter('scheduler_timers_fired_total', 'Timers fired, by kind', ['kind']),
};

/**
 * Fires due timers: every TIMER_POLL_INTERVAL_MS it takes the timers whose time has come and, for
 * each, in one conditional write marks it fired and puts its message (ExpireBookingDeadline, or a
 * warning or reminder event) in the timer's own outbox. A poll reads only the timers due in the current
 * or the previous minute (`pollMinute`, an equality the database filters on), so its cost does not grow
 * with the thousands of reminders scheduled weeks ahead; every TIMER_CATCH_UP_INTERVAL_MS (and on the
 * first poll) the minutes no poll looked at are read too, bucket by bucket (see `missed`), which fires
 * timers left while every replica was down. Only the write that finds the timer still `scheduled` wins, so with several
 * replicas polling at once each timer fires exactly once; the outbox relay publishes the command, and
 * booking-svc applies it only if the deadline still holds (idempotent on its side too).
 */
@Injectable()
export class TimerFirer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TimerFirer.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastCatchUp = 0;

  constructor(
    private readonly timers: TimerStore,
    private readonly watermarks: CatchUpWatermark,
    private readonly config: SchedulerConfig,
    private readonly heartbeat: TimerPollHeartbeat,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.fireSoon(), this.config.TIMER_POLL_INTERVAL_MS).unref();
  }

  fireSoon(): void {
    const startedAt = new Date();
    this.running ??= this.fireDue()
      .then(() => this.heartbeat.polled(startedAt))
      .catch((error: unknown) => {
        this.logger.warn({ message: 'firing timers failed; the next poll retries', error: (error as Error).message });
        return this.heartbeat.polled(startedAt, error as Error);
      })
      .finally(() => (this.running = undefined));
  }

  /** Fires what is due now; returns how many this replica fired. */
  async fireDue(now: Date = new Date()): Promise<number> {
    const catchUp = now.getTime() - this.lastCatchUp >= this.config.TIMER_CATCH_UP_INTERVAL_MS;
    const due = catchUp ? [...(await this.missed(now)), ...(await this.dueInRecentMinutes(now))] : await this.dueInRecentMinutes(now);
    if (catchUp) this.lastCatchUp = now.getTime();
    let fired = 0;
    for (const timer of due) if (await this.fire(timer, new Date())) fired++;
    return fired;
  }

  /** The timers due in this minute or the last, by two equality reads, due first. */
  private async dueInRecentMinutes(now: Date): Promise<StoredTimer[]> {
    const minutes = [minuteOf(new Date(now.getTime() - 60_000)), minuteOf(now)];
    const batches = await Promise.all(minutes.map((pollMinute) => this.timers.scheduledIn(pollMinute)));
    return batches
      .flat()
      .filter((timer) => timer.dueAt.getTime() <= now.getTime())
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, BATCH);
  }

  /**
   * The catch-up: timers still scheduled in the minutes no poll looked at (every replica was down, or
   * stalled, for more than a minute). A watermark says up to which minute every bucket has been swept;
   * each run reads the buckets after it, one equality each, up to two minutes ago (the regular poll has
   * the last two), at most CATCH_UP_MINUTES of them, and moves the watermark on. A timer never lands in
   * a bucket behind the watermark: one set when it is already due goes into the current minute
   * (pollMinuteOf). The first run of a new database starts from its earliest scheduled timer.
   */
  private async missed(now: Date): Promise<StoredTimer[]> {
    const until = minuteOf(new Date(now.getTime() - 2 * 60_000));
    const mark = await this.watermark(until);
    const buckets: string[] = [];
    for (let at = Date.parse(`${mark}:00Z`) + 60_000; buckets.length < CATCH_UP_MINUTES && at <= Date.parse(`${until}:00Z`); at += 60_000) {
      buckets.push(minuteOf(new Date(at)));
    }
    const missed: StoredTimer[] = [];
    for (const pollMinute of buckets) missed.push(...(await this.timers.scheduledIn(pollMinute)));
    const swept = buckets.at(-1);
    if (swept) await this.watermarks.advance(mark, swept);
    return missed;
  }

  /** The minute every bucket up to has been swept (created on the first run: just before the earliest scheduled timer, or `until`). */
  private async watermark(until: string): Promise<string> {
    const stored = await this.watermarks.read();
    if (stored) return stored;
    const scheduled = await this.timers.earliestScheduledMinute();
    const earliest = scheduled !== undefined && scheduled < until ? scheduled : until;
    return this.watermarks.start(minuteOf(new Date(Date.parse(`${earliest}:00Z`) - 60_000)));
  }

  private async fire(timer: StoredTimer, now: Date): Promise<boolean> {
    // Not fired: another replica fired it, or an event moved or cancelled it.
    if (!(await this.timers.fire(timer, this.commandsFor(timer), now))) return false;
    const kind = timer.kind as TimerKind;
    metrics.fired().inc({ kind });
    metrics.lateness().observe({ kind }, Math.max(0, (now.getTime() - timer.dueAt.getTime()) / 1000));
    return true;
  }

  /** The message a fired timer sends: booking-svc's deadline command, or an event for notification-svc. */
  private commandsFor(timer: StoredTimer): OutgoingMessage[] {
    const kind = timer.kind as TimerKind;
    const aggregate = { id: timer.subjectId, version: 1 };
    const deadline = DEADLINE_OF[kind];
    if (deadline) return [buildMessage(Topics.bookingCommands, 'ExpireBookingDeadline', { bookingId: timer.subjectId, deadline }, aggregate)];
    const data = timer.data;
    if (!data) return []; // a reservation lapses by itself in booking-svc; its timer is a record
    const parties = { bookingId: timer.subjectId, providerId: data.providerId, patientId: data.patientId };
    if (kind === 'confirmation-warning')
      return [buildMessage(Topics.schedulerEvents, 'ConfirmationDeadlineApproaching', { ...parties, deadline: data.at }, aggregate)];
    const hoursBefore = REMINDER_HOURS[kind];
    if (hoursBefore) return [buildMessage(Topics.schedulerEvents, 'AppointmentReminderDue', { ...parties, startTime: data.at, hoursBefore }, aggregate)];
    return [];
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

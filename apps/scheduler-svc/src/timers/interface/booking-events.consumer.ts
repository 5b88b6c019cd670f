import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BookingStatusChanged, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage, UNCHANGED } from '@bp/messaging';
import { ScheduleTimerUseCase } from '../application/schedule-timer/schedule-timer.use-case.js';
import { SchedulerConfig } from '../../config/scheduler.config.js';
import { timersFor } from '../domain/timer.js';

@Controller()
export class BookingEventsConsumer {
  constructor(
    private readonly scheduleTimer: ScheduleTimerUseCase,
    private readonly config: SchedulerConfig,
  ) {}

  /**
   * A booking's deadlines, warning and reminders follow its status: set or moved while they apply, ended
   * once they do not. A status with no timer to set and none to end changes nothing.
   */
  @OnMessage(Topics.bookingEvents, 'BookingStatusChanged')
  async onStatusChanged(@Payload() message: InboundMessage<BookingStatusChanged>) {
    const { bookingId, status, deadline, startTime, providerId, patientId } = message.payload;
    const occurredAt = new Date(message.occurredAt);
    const plan = timersFor(
      { status, startTime: new Date(startTime), ...(deadline ? { deadline: new Date(deadline) } : {}) },
      new Date(),
      this.config.CONFIRMATION_WARNING_HOURS,
    );
    // A booking's first event: only its own events make its timers, so none exists yet to end or move.
    if (message.aggregateVersion === 1 && plan.schedule.length === 0) return UNCHANGED;
    const changed = await this.scheduleTimer.applyPlan(bookingId, plan, {
      sourceEventId: message.eventId,
      occurredAt,
      dataFor: (kind) => ({ providerId, patientId, at: kind.startsWith('reminder') ? startTime : (deadline ?? startTime) }),
    });
    return changed ? undefined : UNCHANGED;
  }
}

import { type BookingStatusChanged } from '@bp/contracts';
import { type InboundMessage, UNCHANGED } from '@bp/messaging';
import type { SchedulerConfig } from '../../config/scheduler.config.js';
import type { ScheduleTimerUseCase } from '../application/schedule-timer/schedule-timer.use-case.js';
import type { TimerPlan } from '../domain/timer.js';
import { BookingEventsConsumer } from './booking-events.consumer.js';

const HOUR = 3_600_000;

/** The consumer with a use case that records the plans it is given and answers `changed`. */
function consumerWith(changed: boolean) {
  const plans: TimerPlan[] = [];
  const scheduleTimer = {
    applyPlan: async (_subjectId: string, plan: TimerPlan) => {
      plans.push(plan);
      return changed;
    },
  } as unknown as ScheduleTimerUseCase;
  return { consumer: new BookingEventsConsumer(scheduleTimer, { CONFIRMATION_WARNING_HOURS: 4 } as SchedulerConfig), plans };
}

function statusChanged(version: number, status: string, deadline?: Date): InboundMessage<BookingStatusChanged> {
  return {
    eventId: `e-${version}`,
    aggregateVersion: version,
    occurredAt: new Date().toISOString(),
    payload: {
      bookingId: 'b-1',
      providerId: 'p-1',
      patientId: 'u-1',
      status,
      startTime: new Date(Date.now() + 72 * HOUR).toISOString(),
      ...(deadline ? { deadline: deadline.toISOString() } : {}),
    },
  } as unknown as InboundMessage<BookingStatusChanged>;
}

describe('scheduler-svc BookingEventsConsumer', () => {
  it('changes nothing, without reading, for a booking’s first event with no timer to set', async () => {
    const { consumer, plans } = consumerWith(true);
    expect(await consumer.onStatusChanged(statusChanged(1, 'pending_payment'))).toBe(UNCHANGED);
    expect(plans).toEqual([]);
  });

  it('applies the plan of a first event that sets a timer, and of any later event', async () => {
    const { consumer, plans } = consumerWith(true);
    expect(await consumer.onStatusChanged(statusChanged(1, 'pending_payment', new Date(Date.now() + HOUR)))).toBeUndefined();
    expect(await consumer.onStatusChanged(statusChanged(2, 'cancelled_patient'))).toBeUndefined();
    expect(plans.map((plan) => plan.schedule.map((s) => s.kind))).toEqual([['payment-action-deadline'], []]);
  });

  it('answers UNCHANGED when the plan had nothing to do', async () => {
    const { consumer } = consumerWith(false);
    expect(await consumer.onStatusChanged(statusChanged(3, 'completed'))).toBe(UNCHANGED);
  });
});

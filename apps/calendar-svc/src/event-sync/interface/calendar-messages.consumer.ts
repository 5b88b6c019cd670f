import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type BookingStatusChanged, type RetryFailedCalendarSyncs, type SyncProviderCalendar, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage, UNCHANGED } from '@bp/messaging';
import { ApiError } from '@bp/platform';
import { BusyTimes } from '../../busy-times/application/busy-times.js';
import { ConnectionRepository } from '../../connections/infrastructure/connection.repository.js';
import { EventSyncer } from '../application/event-syncer.js';

/** What calendar-svc reacts to: booking changes (event writes) and the scheduler's sync commands. */
@Controller()
export class CalendarMessagesConsumer {
  private readonly logger = new Logger(CalendarMessagesConsumer.name);

  constructor(
    private readonly events: EventSyncer,
    private readonly busy: BusyTimes,
    private readonly connections: ConnectionRepository,
  ) {}

  /**
   * A calendar failure is recorded on the mapping for the sync job; only our own database failing makes
   * the message redeliver. A status no calendar shows, or an event older than the mapping, changes nothing.
   */
  @OnMessage(Topics.bookingEvents, 'BookingStatusChanged')
  async onStatusChanged(@Payload() message: InboundMessage<BookingStatusChanged>) {
    const recorded = await this.events.record(message.payload, message.aggregateVersion);
    if (!recorded) return UNCHANGED;
    await this.events.sync(recorded.mapping, recorded.connection);
    return undefined;
  }

  /** The 15-minute job: failed event writes that are due, then every connected calendar's busy times. */
  @OnMessage(Topics.calendarCommands, 'RetryFailedCalendarSyncs')
  async onRetryFailed(@Payload() message: InboundMessage<RetryFailedCalendarSyncs>) {
    const retried = await this.events.retryDue();
    let refreshed = 0;
    for (const providerId of await this.connections.connectedProviderIds()) if (await this.syncBusy(providerId)) refreshed++;
    this.logger.log({ message: 'calendar sync run', runId: message.payload.runId, retried, refreshed });
  }

  @OnMessage(Topics.calendarCommands, 'SyncProviderCalendar')
  async onSyncProvider(@Payload() message: InboundMessage<SyncProviderCalendar>) {
    await this.syncBusy(message.payload.providerId);
  }

  /** One provider's busy times; a calendar that cannot be read now is read by the next run (its cached copy stays). */
  private async syncBusy(providerId: string): Promise<boolean> {
    return this.busy.sync(providerId).catch((error: Error) => {
      if (!(error instanceof ApiError)) this.logger.warn({ message: 'busy-time sync failed; the next run retries', providerId, error: error.message });
      return false;
    });
  }
}

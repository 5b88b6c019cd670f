import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ProviderBusyTimesUpdated, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { CalendarBusyStore } from '../../slots/infrastructure/calendar-busy.store.js';

@Controller()
export class CalendarBusyConsumer {
  constructor(private readonly store: CalendarBusyStore) {}

  @OnMessage(Topics.calendarEvents, 'ProviderBusyTimesUpdated')
  onBusyTimes(@Payload() message: InboundMessage<ProviderBusyTimesUpdated>) {
    const { providerId, from, to, busy } = message.payload;
    return this.store.replaceWindow(
      providerId,
      new Date(from),
      new Date(to),
      busy.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })),
      new Date(message.occurredAt),
    );
  }
}

import { Module } from '@nestjs/common';
import { CalendarBusyStore } from './infrastructure/calendar-busy.store.js';
import { SlotClaimStore } from './infrastructure/slot-claim.store.js';

/** What takes a provider's time: the unique-key claims that make double booking impossible, and external calendars' busy times. */
@Module({ providers: [SlotClaimStore, CalendarBusyStore], exports: [SlotClaimStore, CalendarBusyStore] })
export class SlotsModule {}

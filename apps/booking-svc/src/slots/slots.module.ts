import { Module } from '@nestjs/common';
import { SlotLedger } from './application/slot-ledger.js';
import { BusyDayStore } from './infrastructure/busy-day.store.js';
import { CalendarBusyStore } from './infrastructure/calendar-busy.store.js';
import { SlotClaimStore } from './infrastructure/slot-claim.store.js';

/**
 * What takes a provider's time: the slot ledger (claim, commit, abort around a write) over the
 * unique-key claims that make double booking impossible, the
 * busy-day read model availability is answered from, and external calendars' busy times.
 */
@Module({
  providers: [SlotLedger, SlotClaimStore, BusyDayStore, CalendarBusyStore],
  exports: [SlotLedger, SlotClaimStore, BusyDayStore, CalendarBusyStore],
})
export class SlotsModule {}

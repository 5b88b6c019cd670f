import { Module } from '@nestjs/common';
import { SlotClaimStore } from './infrastructure/slot-claim.store.js';

/** The unique-key claims that make double booking impossible. */
@Module({ providers: [SlotClaimStore], exports: [SlotClaimStore] })
export class SlotsModule {}

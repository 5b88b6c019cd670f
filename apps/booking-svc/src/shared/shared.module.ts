import { Module } from '@nestjs/common';
import { IdempotencyStore } from './infrastructure/idempotency.store.js';

/** What every booking-svc module shares: the idempotency records of mutating calls. */
@Module({ providers: [IdempotencyStore], exports: [IdempotencyStore] })
export class SharedModule {}

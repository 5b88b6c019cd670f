import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore, type WithoutOutbox, withoutOutbox } from '@bp/outbox';
import type { Interval } from '../../calendar-apis/domain/calendar-api.js';
import { BUSY_WINDOW_MODEL, type BusyWindowDocument } from './busy-window.schema.js';

export type BusyWindow = WithoutOutbox<BusyWindowDocument>;

/** The last free/busy answer per provider, written with the ProviderBusyTimesUpdated it causes. */
@Injectable()
export class BusyWindowStore {
  constructor(
    @InjectModel(BUSY_WINDOW_MODEL) private readonly windows: Model<BusyWindowDocument>,
    @InjectAggregateStore(BUSY_WINDOW_MODEL) private readonly store: AggregateStore<BusyWindowDocument>,
  ) {}

  async find(providerId: string): Promise<BusyWindow | undefined> {
    const window = await this.windows.findById(providerId, { outbox: 0 }).lean<BusyWindowDocument>();
    return window ? withoutOutbox(window) : undefined;
  }

  /** Replaces the provider's window with this answer and its message, in one write. */
  async record(providerId: string, window: Interval, busy: Interval[], message: OutgoingMessage, now: Date): Promise<void> {
    await this.store.upsert(providerId, { $set: { from: window.start, to: window.end, busy, fetchedAt: now } }, [message], { now });
  }
}

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore, outboxOnInsert, type WithoutOutbox, withoutOutbox } from '@bp/outbox';
import { insertNew, leanInserts, utcDayOf } from '@bp/platform';
import { minuteOf } from '../domain/timer.js';
import { TIMER_MODEL, type TimerDocument } from './timer.schema.js';

/** A timer as stored, without the outbox that carries the message it fires. */
export type StoredTimer = WithoutOutbox<TimerDocument>;

/** What setting a timer writes: everything but its id, the time it fired and its retention day. */
export type TimerFields = Omit<StoredTimer, '_id' | 'firedAt' | 'day'>;

/**
 * The `timers` collection. Every change of a timer is conditional on the state it was read in
 * (status, due time, last update), so replicas and redelivered events never overwrite each other;
 * firing writes the timer's message into its own outbox in the same write.
 */
@Injectable()
export class TimerStore {
  constructor(
    @InjectModel(TIMER_MODEL) private readonly timers: Model<TimerDocument>,
    @InjectAggregateStore(TIMER_MODEL) private readonly store: AggregateStore<TimerDocument>,
  ) {}

  async find(id: string): Promise<StoredTimer | undefined> {
    const timer = await this.timers.findById(id, { outbox: 0 }).lean<TimerDocument>();
    return timer ? withoutOutbox(timer) : undefined;
  }

  /** A subject's timers, one per kind. */
  ofSubject(subjectId: string): Promise<StoredTimer[]> {
    return this.findAll({ subjectId });
  }

  /** The timers still scheduled in one minute bucket (an equality the database filters on). */
  scheduledIn(pollMinute: string): Promise<StoredTimer[]> {
    return this.findAll({ status: 'scheduled', pollMinute });
  }

  private async findAll(filter: Partial<Pick<TimerDocument, 'subjectId' | 'status' | 'pollMinute'>>): Promise<StoredTimer[]> {
    return (await this.timers.find(filter, { outbox: 0 }).lean<TimerDocument[]>()).map(withoutOutbox);
  }

  /** The minute bucket of the earliest timer still scheduled, if any (a whole read: only for the catch-up's first run). */
  async earliestScheduledMinute(): Promise<string | undefined> {
    let earliest: string | undefined;
    for await (const timer of this.timers.collection.find({ status: 'scheduled' }, { projection: { pollMinute: 1, dueAt: 1 } })) {
      const minute = (timer['pollMinute'] as string | undefined) ?? minuteOf(timer['dueAt'] as Date);
      if (earliest === undefined || minute < earliest) earliest = minute;
    }
    return earliest;
  }

  /**
   * Inserts the timers, unordered; returns how many were new (the others exist already). Lean: a
   * document built and validated per timer was a tenth of scheduler-svc's CPU under load.
   */
  createNew(timers: Array<TimerFields & { _id: string }>): Promise<number> {
    return insertNew(
      leanInserts<TimerDocument>(this.timers),
      timers.map((timer) => ({ ...timer, ...outboxOnInsert([]) })),
    );
  }

  /**
   * Sets a timer again if it is not fired and still as last updated at `updatedAt`; false when it
   * changed meanwhile or is gone. A cancelled timer set again is live again: it loses its retention day.
   */
  async move(id: string, updatedAt: Date, fields: TimerFields): Promise<boolean> {
    return this.store.change({ _id: id, status: { $ne: 'fired' }, updatedAt }, { $set: fields, $unset: { day: 1 } });
  }

  /** Ends a scheduled timer still as last updated at its `updatedAt`. */
  async cancel(timer: StoredTimer, now: Date): Promise<void> {
    await this.store.change(
      { _id: timer._id, status: 'scheduled', updatedAt: timer.updatedAt },
      { $set: { status: 'cancelled', updatedAt: now, day: utcDayOf(now) } },
    );
  }

  /** Marks a timer still scheduled for its due time fired, with the messages it sends; false when another replica or an event got there first. */
  async fire(timer: StoredTimer, messages: OutgoingMessage[], now: Date): Promise<boolean> {
    const result = await this.store.update(
      { _id: timer._id, status: 'scheduled', dueAt: timer.dueAt },
      { $set: { status: 'fired', firedAt: now, updatedAt: now, day: utcDayOf(now) } },
      messages,
      { now },
    );
    return result.ok;
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import type { BusyInterval } from '../../availability/domain/availability.js';

interface CalendarBusyDocument {
  _id: string;
  providerId: string;
  start: Date;
  end: Date;
  /** The update that wrote it: a later update of an overlapping window replaces it. */
  syncedAt: Date;
}

/** Busy times of providers' external calendars, as calendar-svc last reported them. */
@Injectable()
export class CalendarBusyStore implements OnModuleInit {
  private busy!: Collection<CalendarBusyDocument>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.busy = this.connection.collection<CalendarBusyDocument>('calendar_busy');
    await this.busy.createIndex({ providerId: 1, start: 1 });
  }

  /**
   * Replaces what is known for [from, to) with `intervals`. Ids are derived from the interval, so a
   * redelivered update writes the same documents; stale ones of the window are removed afterwards.
   */
  async replaceWindow(providerId: string, from: Date, to: Date, intervals: BusyInterval[], syncedAt: Date): Promise<void> {
    const ids: string[] = [];
    for (const interval of intervals) {
      const _id = `${providerId}|${interval.start.toISOString()}|${interval.end.toISOString()}`;
      ids.push(_id);
      await this.busy.updateOne({ _id }, { $set: { providerId, start: interval.start, end: interval.end, syncedAt } }, { upsert: true });
    }
    await this.busy.deleteMany({ providerId, start: { $gte: from, $lt: to }, _id: { $nin: ids } });
  }

  async inRange(providerId: string, from: Date, to: Date): Promise<BusyInterval[]> {
    const docs = await this.busy.find({ providerId, start: { $lt: to }, end: { $gt: from } }).toArray();
    return docs.map((d) => ({ start: d.start, end: d.end }));
  }
}

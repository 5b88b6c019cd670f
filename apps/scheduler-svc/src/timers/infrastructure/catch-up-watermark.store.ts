import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Collection, Model } from 'mongoose';
import { isDuplicateKey } from '@bp/platform';
import { TIMER_MODEL, type TimerDocument } from './timer.schema.js';

/** The catch-up's watermark document. */
const CATCH_UP = 'catch-up';

/** Up to which minute bucket the timer catch-up has swept (`timer_sweeps`): one document, moved on by compare-and-swap. */
@Injectable()
export class CatchUpWatermark {
  private readonly sweeps: Collection<{ _id: string; sweptThrough: string }>;

  constructor(@InjectModel(TIMER_MODEL) timers: Model<TimerDocument>) {
    this.sweeps = timers.db.collection<{ _id: string; sweptThrough: string }>('timer_sweeps');
  }

  async read(): Promise<string | undefined> {
    return (await this.sweeps.findOne({ _id: CATCH_UP }))?.sweptThrough;
  }

  /** Sets the first watermark; another replica's, when it started first, is the one kept and returned. */
  async start(minute: string): Promise<string> {
    await this.sweeps.insertOne({ _id: CATCH_UP, sweptThrough: minute }).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
    return (await this.read()) ?? minute;
  }

  /** Moves the watermark from `from` to `to`, unless another replica moved it meanwhile. */
  async advance(from: string, to: string): Promise<void> {
    await this.sweeps.updateOne({ _id: CATCH_UP, sweptThrough: from }, { $set: { sweptThrough: to } });
  }
}

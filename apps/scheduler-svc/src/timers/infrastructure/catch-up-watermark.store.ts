import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Watermark } from '@bp/platform';
import { TIMER_MODEL, type TimerDocument } from './timer.schema.js';

/** The catch-up's watermark document. */
const CATCH_UP = 'catch-up';

/** Up to which minute bucket the timer catch-up has swept (`timer_sweeps`, `catch-up`, `sweptThrough`). */
@Injectable()
export class CatchUpWatermark extends Watermark {
  constructor(@InjectModel(TIMER_MODEL) timers: Model<TimerDocument>) {
    super(() => timers.db.collection('timer_sweeps'), CATCH_UP, 'sweptThrough');
  }
}

import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Watermark } from '@bp/platform';

export const PAYMENT_MONITOR_COLLECTION = 'payment_monitor';
const HOLD_REVIEW = 'hold-review';

/**
 * Through which hour the hold monitor has reviewed every bucket (`payment_monitor`, `hold-review`,
 * `reviewedThrough`).
 */
@Injectable()
export class HoldReviewWatermark extends Watermark {
  constructor(@InjectConnection() connection: Connection) {
    super(() => connection.collection(PAYMENT_MONITOR_COLLECTION), HOLD_REVIEW, 'reviewedThrough');
  }
}

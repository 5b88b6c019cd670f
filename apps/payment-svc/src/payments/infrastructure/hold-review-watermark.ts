import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey } from '@bp/platform';

export const PAYMENT_MONITOR_COLLECTION = 'payment_monitor';
const HOLD_REVIEW = 'hold-review';

interface WatermarkDocument {
  _id: string;
  /** Every hold review bucket up to this UTC hour (`2030-01-01T10`) has been read, and each of its holds reviewed. */
  reviewedThrough: string;
}

/**
 * Through which hour the hold monitor has reviewed every bucket (`payment_monitor`, `hold-review`): one
 * document, read by its id and moved on by compare-and-swap, so replicas scanning at once never move it back.
 */
@Injectable()
export class HoldReviewWatermark implements OnModuleInit {
  private watermarks!: Collection<WatermarkDocument>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.watermarks = this.connection.collection<WatermarkDocument>(PAYMENT_MONITOR_COLLECTION);
  }

  async read(): Promise<string | undefined> {
    return (await this.watermarks.findOne({ _id: HOLD_REVIEW }))?.reviewedThrough;
  }

  /** Sets the first watermark; another replica's, when it started first, is the one kept and returned. */
  async start(hour: string): Promise<string> {
    await this.watermarks.insertOne({ _id: HOLD_REVIEW, reviewedThrough: hour }).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
    return (await this.read()) ?? hour;
  }

  /** Moves the watermark from `from` on to the later `to`, unless another replica moved it meanwhile. */
  async advance(from: string, to: string): Promise<void> {
    if (to <= from) return;
    await this.watermarks.updateOne({ _id: HOLD_REVIEW, reviewedThrough: from }, { $set: { reviewedThrough: to } });
  }
}

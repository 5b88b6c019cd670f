import type { mongo } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.js';

/**
 * How far a sweep over time buckets has got (the timers' minute buckets, the hold monitor's hours): one
 * document, `{ _id: name, [field]: bucket }`, its buckets ordered as strings. Started once (the first
 * replica's start wins) and moved only forward by compare-and-swap, so replicas sweeping at once never
 * move it back and never skip a bucket.
 */
export class Watermark {
  constructor(
    private readonly collection: () => mongo.Collection<mongo.Document>,
    private readonly name: string,
    private readonly field: string,
  ) {}

  async read(): Promise<string | undefined> {
    const document = await this.collection().findOne({ _id: this.name as never });
    return document?.[this.field] as string | undefined;
  }

  /** Sets the first watermark; another replica's, when it started first, is the one kept and returned. */
  async start(bucket: string): Promise<string> {
    await this.collection()
      .insertOne({ _id: this.name as never, [this.field]: bucket })
      .catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
    return (await this.read()) ?? bucket;
  }

  /** Moves the watermark from `from` on to the later `to`, unless another replica moved it meanwhile. */
  async advance(from: string, to: string): Promise<void> {
    if (to <= from) return;
    await this.collection().updateOne({ _id: this.name as never, [this.field]: from }, { $set: { [this.field]: to } });
  }
}

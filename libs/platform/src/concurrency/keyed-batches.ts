import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Work on one key, one batch at a time in this process: an item submitted while a batch of its key is
 * being written joins the next batch, so a busy key is written once per round trip instead of once per
 * item racing the others (compare-and-swap retries on a hot document). `write` gets the batch's items
 * in submission order and returns one result per item; a failure rejects every item of its batch.
 *
 * With `lingerMs`, an item that finds its key idle waits that long before its batch is written, so
 * what arrives meanwhile shares the write: for a write whose fixed cost is most of it (a Kafka request),
 * a few milliseconds of wait under load save many round trips. Items arriving while a write is in
 * flight do not wait again: they go out as soon as it ends.
 */
export class KeyedBatches<Item, Result = void> {
  private readonly queues = new Map<string, Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }>>();

  constructor(
    private readonly write: (key: string, items: Item[]) => Promise<Result[]>,
    private readonly options: { lingerMs?: number } = {},
  ) {}

  submit(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const queued = this.queues.get(key);
      if (queued) {
        queued.push({ item, resolve, reject });
        return;
      }
      const queue = [{ item, resolve, reject }];
      this.queues.set(key, queue);
      void this.drain(key, queue);
    });
  }

  private async drain(key: string, queue: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }>): Promise<void> {
    if (this.options.lingerMs) await sleep(this.options.lingerMs);
    while (queue.length > 0) {
      const batch = queue.splice(0);
      try {
        const results = await this.write(
          key,
          batch.map((entry) => entry.item),
        );
        batch.forEach((entry, i) => entry.resolve(results[i] as Result));
      } catch (error) {
        batch.forEach((entry) => entry.reject(error));
      }
    }
    this.queues.delete(key);
  }
}

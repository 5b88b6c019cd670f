/** Work for one message; it must not reject (the consumer pipeline handles its own failures). */
export type KeyedTask = () => Promise<void>;

/**
 * Runs tasks so that the tasks of one key run one at a time, in the order they were submitted, while
 * tasks of different keys run at once, at most `limit` keys at a time. A task without a key is a key
 * of its own. A key gives up its slot after each task when other keys are waiting, so a busy key
 * cannot starve the others.
 */
export class KeyedScheduler {
  /** Tasks not finished yet, per key: the first one is running or its key is waiting for a slot. */
  private readonly queues = new Map<string | symbol, KeyedTask[]>();
  /** Keys whose next task waits for a slot, oldest first. A key is here, running, or idle: never two of these. */
  private readonly waiting: Array<string | symbol> = [];
  private running = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`key concurrency must be a positive integer, not ${limit}`);
  }

  submit(key: string | undefined, task: KeyedTask): void {
    const group = key ?? Symbol('unkeyed');
    const queue = this.queues.get(group);
    if (queue) {
      queue.push(task); // its key's chain reaches it after the tasks before it
      return;
    }
    this.queues.set(group, [task]);
    this.waiting.push(group);
    this.startWaiting();
  }

  /** Keys with a task running or waiting. */
  get busyKeys(): number {
    return this.queues.size;
  }

  private startWaiting(): void {
    while (this.running < this.limit && this.waiting.length > 0) {
      this.running++;
      void this.runNext(this.waiting.shift()!);
    }
  }

  private async runNext(group: string | symbol): Promise<void> {
    const queue = this.queues.get(group)!;
    try {
      await queue[0]!();
    } finally {
      queue.shift();
      this.running--;
      if (queue.length > 0) this.waiting.push(group);
      else this.queues.delete(group);
      this.startWaiting();
    }
  }
}

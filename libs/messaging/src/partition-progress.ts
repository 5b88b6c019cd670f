/**
 * Which offset of one partition may be committed while its messages finish out of order: the offset
 * of the oldest message not finished yet, or the one after the newest message when all are finished.
 * Everything below a committed offset is finished, so a restart never skips an unfinished message.
 * Messages are dispatched in increasing offset order; offsets may have gaps (compaction, transaction
 * markers).
 */
export class PartitionProgress {
  /** Dispatched messages from the oldest unfinished one on, in offset order: the committable offset has not passed them. */
  private readonly pending: bigint[] = [];
  /** Pending messages that finished before an older one. */
  private readonly finishedEarly = new Set<bigint>();
  /** The offset after the newest dispatched message. */
  private next?: bigint;
  private committed?: bigint;
  /** The partition's log end when this member first fetched from it under this assignment (see mayHaveBeenHandled). */
  private logEndAtFirstFetch?: bigint;

  /** False for a message dispatched here before: after a rebalance, a kept partition is fetched again from its committed offset. */
  isNew(offset: bigint): boolean {
    return this.next === undefined || offset >= this.next;
  }

  /** Records the log end a fetch reported; only the first one after the assignment counts. */
  noteLogEnd(highWatermark: bigint): void {
    this.logEndAtFirstFetch ??= highWatermark;
  }

  /** After a rebalance, even a kept partition may have been read by another member meanwhile: the next fetch decides again. */
  forgetLogEnd(): void {
    this.logEndAtFirstFetch = undefined;
  }

  /**
   * Whether this group may have handled the message already. A message written after this member
   * first fetched the partition (under the current assignment) cannot have reached any other member
   * of the group, so only the ones before that log end can be redeliveries.
   */
  mayHaveBeenHandled(offset: bigint): boolean {
    return this.logEndAtFirstFetch === undefined || offset < this.logEndAtFirstFetch;
  }

  /**
   * Where the partition begins for a group that has committed nothing on it (one that starts at the
   * end): committable from now on, and nothing below it is dispatched. False, and nothing changes,
   * once a message was dispatched here.
   */
  startAt(offset: bigint): boolean {
    if (this.next !== undefined) return false;
    this.next = offset;
    return true;
  }

  dispatch(offset: bigint): void {
    if (!this.isNew(offset)) throw new Error(`offset ${offset} dispatched after ${this.next! - 1n}`);
    this.pending.push(offset);
    this.next = offset + 1n;
  }

  finish(offset: bigint): void {
    if (!this.pending.includes(offset)) throw new Error(`offset ${offset} finished but not pending`);
    this.finishedEarly.add(offset);
    while (this.pending.length > 0 && this.finishedEarly.delete(this.pending[0]!)) this.pending.shift();
  }

  /** Messages dispatched that the committable offset has not passed: the partition's window. */
  get inFlight(): number {
    return this.pending.length;
  }

  /** The offset to commit (the next message a restart reads), when it moved past the last commit. */
  committable(): bigint | undefined {
    const offset = this.pending[0] ?? this.next;
    if (offset === undefined || (this.committed !== undefined && offset <= this.committed)) return undefined;
    return offset;
  }

  /** Whether a commit at or past `offset` has succeeded. */
  hasCommitted(offset: bigint): boolean {
    return this.committed !== undefined && this.committed >= offset;
  }

  committedAt(offset: bigint): void {
    if (this.committed === undefined || offset > this.committed) this.committed = offset;
  }
}

import type { mongo } from 'mongoose';
import { isDuplicateKey } from './duplicate-key.js';

/** One lease document: who holds it and until when; every change is a compare-and-swap on `revision`. */
export interface LeaseDocument {
  _id: string;
  revision: number;
  owner?: string;
  expiresAt?: Date;
}

export type LeaseAcquisition<D extends LeaseDocument = LeaseDocument> =
  { acquired: true; revision: number; lease: D } | { acquired: false; reason: 'held' | 'refused'; lease?: D; heldBy?: string; until?: Date };

export interface AcquireOptions<D extends LeaseDocument> {
  /** A reason to leave even a free lease alone, judged on the document read (a scheduler tick already run). */
  refuse?: (lease: D) => boolean;
  /** Fields written by the taking write itself, in the same compare-and-swap (the tick being claimed). */
  alsoSet?: Record<string, unknown>;
}

/**
 * A named lease in a collection of the service's own database, for work only one process may do at a
 * time (migrations; scheduler-svc's periodic jobs). It is free when nobody holds it or the holder's
 * lease has lapsed, so a crashed holder blocks the others for at most one lease period. Taking,
 * renewing and releasing are single conditional writes on `(_id, revision)` — scalar equalities, which
 * FerretDB pushes down — so of several processes racing for a free lease exactly one write matches.
 */
export class Lease<D extends LeaseDocument = LeaseDocument> {
  private readonly collection: mongo.Collection<LeaseDocument>;

  constructor(
    collection: mongo.Collection<D>,
    readonly name: string,
  ) {
    this.collection = collection as unknown as mongo.Collection<LeaseDocument>;
  }

  async tryAcquire(owner: string, leaseMs: number, now = new Date(), options: AcquireOptions<D> = {}): Promise<LeaseAcquisition<D>> {
    const lease = await this.current();
    const free = !lease.owner || !lease.expiresAt || lease.expiresAt.getTime() <= now.getTime();
    if (!free)
      return {
        acquired: false,
        reason: 'held',
        lease,
        ...(lease.owner ? { heldBy: lease.owner } : {}),
        ...(lease.expiresAt ? { until: lease.expiresAt } : {}),
      };
    if (options.refuse?.(lease)) return { acquired: false, reason: 'refused', lease };
    // $inc, not $set: a corrupt revision makes the write fail loudly instead of matching forever.
    const taken = await this.collection.updateOne(
      { _id: this.name, revision: lease.revision },
      { $inc: { revision: 1 }, $set: { ...options.alsoSet, owner, expiresAt: new Date(now.getTime() + leaseMs) } },
    );
    if (taken.modifiedCount !== 1) return { acquired: false, reason: 'held', lease };
    return { acquired: true, revision: lease.revision + 1, lease };
  }

  /** Extends a held lease; the new revision, or undefined when it lapsed and someone else took it. */
  async renew(owner: string, revision: number, leaseMs: number, now = new Date()): Promise<number | undefined> {
    const renewed = await this.collection.updateOne(
      { _id: this.name, owner, revision },
      { $inc: { revision: 1 }, $set: { expiresAt: new Date(now.getTime() + leaseMs) } },
    );
    return renewed.modifiedCount === 1 ? revision + 1 : undefined;
  }

  /** Gives the lease back, unless it lapsed and someone else took it meanwhile. */
  async release(owner: string, revision: number, now = new Date()): Promise<void> {
    await this.collection.updateOne({ _id: this.name, owner, revision }, { $inc: { revision: 1 }, $set: { expiresAt: now }, $unset: { owner: 1 } });
  }

  private async current(): Promise<D> {
    try {
      await this.collection.updateOne({ _id: this.name }, { $setOnInsert: { revision: 0 } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // another process created it meanwhile
    }
    const lease = await this.collection.findOne({ _id: this.name });
    if (!lease) throw new Error(`lease ${this.name} has no document`);
    return lease as D;
  }
}

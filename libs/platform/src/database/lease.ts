import type { mongo } from 'mongoose';

const DUPLICATE_KEY = 11000;

/** One lease document: who holds it and until when; every change is a compare-and-swap on `revision`. */
export interface LeaseDocument {
  _id: string;
  revision: number;
  owner?: string;
  expiresAt?: Date;
}

export type LeaseAcquisition = { acquired: true; revision: number } | { acquired: false; heldBy?: string; until?: Date };

/**
 * A named lease in a collection of the service's own database, for work only one process may do at a
 * time (the same scheme as scheduler-svc's job leases). It is free when nobody holds it or the holder's
 * lease has lapsed, so a crashed holder blocks the others for at most one lease period. Taking,
 * renewing and releasing are single conditional writes on `(_id, revision)` — scalar equalities, which
 * FerretDB pushes down — so of several processes racing for a free lease exactly one write matches.
 */
export class Lease {
  constructor(
    private readonly collection: mongo.Collection<LeaseDocument>,
    readonly name: string,
  ) {}

  async tryAcquire(owner: string, leaseMs: number, now = new Date()): Promise<LeaseAcquisition> {
    const lease = await this.current();
    const free = !lease.owner || !lease.expiresAt || lease.expiresAt.getTime() <= now.getTime();
    if (!free) return { acquired: false, heldBy: lease.owner, ...(lease.expiresAt ? { until: lease.expiresAt } : {}) };
    // $inc, not $set: a corrupt revision makes the write fail loudly instead of matching forever.
    const taken = await this.collection.updateOne(
      { _id: this.name, revision: lease.revision },
      { $inc: { revision: 1 }, $set: { owner, expiresAt: new Date(now.getTime() + leaseMs) } },
    );
    if (taken.modifiedCount !== 1) return { acquired: false };
    return { acquired: true, revision: lease.revision + 1 };
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

  private async current(): Promise<LeaseDocument> {
    try {
      await this.collection.updateOne({ _id: this.name }, { $setOnInsert: { revision: 0 } }, { upsert: true });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error; // another process created it meanwhile
    }
    const lease = await this.collection.findOne({ _id: this.name });
    if (!lease) throw new Error(`lease ${this.name} has no document`);
    return lease;
  }
}

import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Model } from 'mongoose';
import { KafkaProducer } from '@bp/messaging';
import { DatabaseServiceConfig, ReadinessRegistry, counter, gauge } from '@bp/platform';
import type { OutboxEntry, OutboxFields } from './outbox.schema.js';

export const OUTBOX_MODELS = Symbol('OUTBOX_MODELS');

/** How long one replica may hold a document's outbox while it publishes. */
const CLAIM_MS = 15_000;
/** The sweep leaves fresh entries to the immediate publish that follows every write. */
const SWEEP_GRACE_MS = 2_000;
const SWEEP_BATCH = 100;
/** Rounds of "publish, then clear if nothing new arrived" before leaving the rest to the sweep. */
const MAX_ROUNDS_PER_CLAIM = 5;

interface ClaimedOutbox {
  outbox: OutboxEntry[];
  outboxRevision: number;
}

type OutboxModel = Model<OutboxFields & { _id: unknown }>;

const metrics = {
  published: () => counter('outbox_events_published_total', 'Outbox events published to Kafka', ['collection']),
  failures: () => counter('outbox_publish_failures_total', 'Failed attempts to publish outbox events', ['collection']),
  pending: () => gauge('outbox_pending_documents', 'Documents with unpublished outbox events (counted up to one sweep batch)', ['collection']),
  oldestAge: () => gauge('outbox_oldest_pending_age_seconds', 'Age of the oldest unpublished outbox event', ['collection']),
};

/**
 * Publishes outbox entries: right after each write (`publishSoon`), and by a periodic sweep that
 * picks up whatever a crash left behind. A document is claimed before publishing and its entries are
 * pulled only after Kafka acknowledged them, so every entry is published at least once and, in normal
 * operation, exactly once; consumers' inboxes absorb the rare duplicate after a crash mid-publish.
 */
@Injectable()
export class OutboxRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(OUTBOX_MODELS) private readonly models: OutboxModel[],
    private readonly producer: KafkaProducer,
    private readonly config: DatabaseServiceConfig,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    // Zero series from the start, so the relay's metrics are scraped (and alertable) before any event.
    for (const { collection } of this.models) {
      for (const count of [metrics.published(), metrics.failures()]) count.inc({ collection: collection.collectionName }, 0);
    }
    // One relay per module that owns outbox collections: each reports its own lag.
    this.readiness.register({ name: `outbox:${this.models.map((m) => m.collection.collectionName).join(',')}`, check: () => this.readinessCheck() });
    this.scheduleSweep();
  }

  /** Called after a write that added outbox entries; returns at once, publishing continues in the background. */
  publishSoon(model: Model<any>, id: unknown): void {
    this.track(this.publishDocument(model as OutboxModel, id));
  }

  /** Publishes everything pending (also used by tests and at startup). Returns how many documents it published. */
  async sweep(graceMs = SWEEP_GRACE_MS): Promise<number> {
    let published = 0;
    for (const model of this.models) {
      const pending = await this.pendingOf(model);
      this.recordLag(model, pending);
      const due = pending.filter((doc) => doc.outboxPendingSince.getTime() <= Date.now() - graceMs);
      for (const doc of due) if (await this.publishDocument(model, doc._id)) published++;
    }
    return published;
  }

  async lag(): Promise<{ pendingDocuments: number; oldestAgeSeconds: number }> {
    let pendingDocuments = 0;
    let oldest = Infinity;
    for (const model of this.models) {
      const pending = await this.pendingOf(model);
      this.recordLag(model, pending);
      pendingDocuments += pending.length;
      if (pending[0]) oldest = Math.min(oldest, pending[0].outboxPendingSince.getTime());
    }
    return { pendingDocuments, oldestAgeSeconds: oldest === Infinity ? 0 : Math.round((Date.now() - oldest) / 1000) };
  }

  /** Pending documents, oldest first (at most a batch: the relay works through a backlog batch by batch). */
  private async pendingOf(model: OutboxModel): Promise<Array<{ _id: unknown; outboxPendingSince: Date }>> {
    const docs = await model
      .find({ outboxPending: true }, { _id: 1, outboxPendingSince: 1 })
      .sort({ outboxPendingSince: 1 })
      .limit(SWEEP_BATCH)
      .lean<Array<{ _id: unknown; outboxPendingSince?: Date }>>();
    return docs.map((d) => ({ _id: d._id, outboxPendingSince: new Date(d.outboxPendingSince ?? Date.now()) }));
  }

  private recordLag(model: OutboxModel, pending: Array<{ outboxPendingSince: Date }>): void {
    const collection = model.collection.collectionName;
    metrics.pending().set({ collection }, pending.length);
    metrics.oldestAge().set({ collection }, pending[0] ? (Date.now() - pending[0].outboxPendingSince.getTime()) / 1000 : 0);
  }

  private async readinessCheck() {
    const lag = await this.lag();
    return { up: lag.oldestAgeSeconds <= this.config.OUTBOX_MAX_LAG_SECONDS, details: { ...lag, maxLagSeconds: this.config.OUTBOX_MAX_LAG_SECONDS } };
  }

  private async publishDocument(model: OutboxModel, id: unknown): Promise<boolean> {
    const collection = model.collection.collectionName;
    try {
      const claimUntil = new Date(Date.now() + CLAIM_MS);
      let doc = await this.claim(model, id, claimUntil);
      if (!doc) return false;
      const published = new Set<string>();
      for (let round = 0; round < MAX_ROUNDS_PER_CLAIM; round++) {
        const unpublished = doc.outbox.filter((entry) => !published.has(entry.eventId));
        if (unpublished.length > 0) {
          await this.producer.send(unpublished.map(({ topic, key, envelope }) => ({ topic, key, envelope })));
          unpublished.forEach((entry) => published.add(entry.eventId));
          metrics.published().inc({ collection }, unpublished.length);
        }
        // Clear the outbox only if nothing was appended meanwhile; otherwise read again and publish the rest.
        const cleared = await model.updateOne(
          { _id: id, outboxLockedUntil: claimUntil, outboxRevision: doc.outboxRevision },
          { $set: { outbox: [] }, $unset: { outboxPending: 1, outboxPendingSince: 1, outboxLockedUntil: 1 } },
        );
        if (cleared.matchedCount === 1) return true;
        doc = await model.findOne({ _id: id, outboxLockedUntil: claimUntil }, { outbox: 1, outboxRevision: 1 }).lean<ClaimedOutbox>();
        if (!doc) return true; // our claim lapsed; whoever holds it now publishes the rest
      }
      await model.updateOne({ _id: id, outboxLockedUntil: claimUntil }, { $unset: { outboxLockedUntil: 1 } });
      return true;
    } catch (error) {
      metrics.failures().inc({ collection });
      this.logger.warn({ message: 'outbox publish failed; the sweep will retry', collection, id: String(id), error: (error as Error).message });
      return false;
    }
  }

  private claim(model: OutboxModel, id: unknown, claimUntil: Date): Promise<ClaimedOutbox | null> {
    const now = new Date();
    return model
      .findOneAndUpdate(
        { _id: id, outboxPending: true, $or: [{ outboxLockedUntil: { $exists: false } }, { outboxLockedUntil: { $lt: now } }] },
        { $set: { outboxLockedUntil: claimUntil } },
        // No projection: FerretDB v1 does not implement findAndModify's "fields".
        { returnDocument: 'after' },
      )
      .lean<ClaimedOutbox>();
  }

  private scheduleSweep(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const run = this.sweep().then(
        () => undefined,
        (error: unknown) => this.logger.warn({ message: 'outbox sweep failed', error: (error as Error).message }),
      );
      this.track(run.finally(() => this.scheduleSweep()));
    }, this.config.OUTBOX_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  private track(work: Promise<unknown>): void {
    const done = work.then(() => undefined);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /** Finishes publishing what is in flight before connections close. */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }
}

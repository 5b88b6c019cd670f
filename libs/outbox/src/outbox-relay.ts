import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Model } from 'mongoose';
import { KafkaProducer } from '@bp/messaging';
import { DatabaseServiceConfig, ReadinessRegistry, counter, gauge, insertNew } from '@bp/platform';
import { type OutboxEntry, type OutboxFields, type OutboxRecord, outboxClear } from './outbox.schema.js';

export const OUTBOX_MODELS = Symbol('OUTBOX_MODELS');

/** How long one replica may hold a document's outbox while it publishes. */
const CLAIM_MS = 15_000;
/** The sweep leaves fresh entries to the immediate publish that follows every write. */
const SWEEP_GRACE_MS = 2_000;
const SWEEP_BATCH = 100;
/** Documents whose sent entries are remembered while a later write's publish is due. */
const MAX_DOCUMENTS_REMEMBERED = 10_000;
/** Rounds of "publish, then clear if nothing new arrived" before leaving the rest to the sweep. */
const MAX_ROUNDS_PER_CLAIM = 5;

/**
 * A publish's clear left waiting for the document's next write (OUTBOX_CLEAR_DELAY_MS): the revision
 * the publish saw and what it sent. The next write through the aggregate store takes it and carries
 * the clear (`takeDeferredClear`); with none in time, the relay clears on its own.
 */
export interface DeferredClear {
  model: Model<any>;
  id: unknown;
  revision: number;
  sent: Set<string>;
  timer?: NodeJS.Timeout;
}

interface ClaimedOutbox {
  _id: unknown;
  outbox: OutboxEntry[];
  outboxRecords?: OutboxRecord[];
  outboxRevision: number;
  [field: string]: unknown;
}

/**
 * Work that must follow a committed change at least once, like its messages: a read model kept from
 * the document's state. Runs with the document as the relay claimed it (its whole current state),
 * after the messages were sent and before the outbox is cleared; it must be idempotent. A hook that
 * fails leaves the outbox in place, so the sweep runs everything again.
 */
export type AfterCommitHook = (document: Record<string, unknown>) => Promise<void>;

/** How a history record is remembered among a document's sent entries (event ids are UUIDs: no clash). */
const recordKey = ({ collection, document }: OutboxRecord): string => `record:${collection}:${String(document._id)}`;

type OutboxModel = Model<OutboxFields & { _id: unknown }>;

/** A document's key in the relay's per-document state. */
const keyOf = (model: Model<any>, id: unknown): string => `${(model as OutboxModel).collection.collectionName}|${String(id)}`;

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
  private readonly hooks = new Map<string, AfterCommitHook[]>();
  /** Per document (`collection|id`): the publish in progress. */
  private readonly inProgress = new Map<string, Promise<void>>();
  /**
   * Per document whose outbox this process could not clear (a later write added to it first): the
   * event ids and history records it sent, so the later write's publish sends only what is new.
   */
  private readonly sentNotCleared = new Map<string, Set<string>>();
  /** Per document: the clear its last publish left for the next write to carry (DeferredClear). */
  private readonly deferredClears = new Map<string, DeferredClear>();

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
    // Lagging publishing (Kafka down) degrades the service; its requests are still served and kept.
    this.readiness.register({
      name: `outbox:${this.models.map((m) => m.collection.collectionName).join(',')}`,
      affects: 'degraded',
      check: () => this.readinessCheck(),
    });
    this.scheduleSweep();
  }

  /** Adds work that follows every committed change of a collection this relay publishes (see AfterCommitHook). */
  afterCommit(collection: string, hook: AfterCommitHook): void {
    if (!this.models.some((m) => m.collection.collectionName === collection)) throw new Error(`the outbox relay does not publish ${collection}`);
    this.hooks.set(collection, [...(this.hooks.get(collection) ?? []), hook]);
  }

  /**
   * Called after a write that added outbox entries; returns at once, publishing continues in the
   * background. With `written` — the whole document as that write left it (what the writer inserted,
   * or what findOneAndUpdate returned) — the relay publishes from it without claiming the document
   * first: one conditional write (the clear) instead of two. Publishes of one document in this process
   * run one after the other, in the order of the writes; another replica or the sweep may publish the
   * same entries too (at least once; consumers' inboxes drop the repeat).
   */
  publishSoon(model: Model<any>, id: unknown, written?: object | null): void {
    const key = keyOf(model, id);
    this.enqueue(key, () =>
      written ? this.publishWritten(model as OutboxModel, id, written as ClaimedOutbox, key) : this.publishDocument(model as OutboxModel, id),
    );
  }

  /**
   * For the document's next write, made by the aggregate store: the clear its last publish left
   * waiting, now that write's to carry (its filter names `revision`, its update replaces the outbox:
   * withOutboxReplaced). Nothing while a publish of the document is under way or none is waiting.
   */
  takeDeferredClear(model: Model<any>, id: unknown): DeferredClear | undefined {
    const key = keyOf(model, id);
    return this.inProgress.has(key) ? undefined : this.takeDeferred(key);
  }

  /** The write that took a deferred clear did not apply (its filter matched nothing): the clear waits again. */
  returnDeferredClear(clear: DeferredClear): void {
    this.deferClear(clear.model as OutboxModel, clear.id, clear.revision, clear.sent);
  }

  /** Runs a document's publishes and clears one after the other, in the order they were asked for. */
  private enqueue(key: string, work: () => Promise<unknown>): void {
    const previous = this.inProgress.get(key);
    const done = (async () => {
      await previous;
      await work();
    })().finally(() => {
      if (this.inProgress.get(key) === done) this.inProgress.delete(key);
    });
    this.inProgress.set(key, done);
    this.track(done);
  }

  /**
   * Publishes a document as its writer left it, then clears its outbox if no later write added to it
   * (that write publishes the rest). The clear waits OUTBOX_CLEAR_DELAY_MS for the document's next
   * write to carry it: a booking, a payment, a reservation changes again within moments, and the
   * clear is then no write of its own.
   */
  private async publishWritten(model: OutboxModel, id: unknown, doc: ClaimedOutbox, key: string): Promise<void> {
    const collection = model.collection.collectionName;
    // A clear still waiting from an earlier publish: what it sent counts as sent, and a later write's publish that
    // overtook this one (two writes of one document at once) may have seen a newer revision, up to which everything is sent.
    const waiting = this.takeDeferred(key);
    const sent = new Set([...(this.sentNotCleared.get(key) ?? []), ...(waiting?.sent ?? [])]);
    const revision = Math.max(doc.outboxRevision, waiting?.revision ?? 0);
    this.sentNotCleared.delete(key);
    let settled = false;
    try {
      const unpublished = doc.outbox.filter((entry) => !sent.has(entry.eventId));
      if (unpublished.length > 0) {
        await this.producer.send(unpublished.map(({ topic, key: messageKey, envelope }) => ({ topic, key: messageKey, envelope })));
        unpublished.forEach((entry) => sent.add(entry.eventId));
        metrics.published().inc({ collection }, unpublished.length);
      }
      const records = (doc.outboxRecords ?? []).filter((record) => !sent.has(recordKey(record)));
      await this.insertRecords(model, records);
      records.forEach((record) => sent.add(recordKey(record)));
      for (const hook of this.hooks.get(collection) ?? []) await hook(doc);
      if (this.config.OUTBOX_CLEAR_DELAY_MS > 0 && !this.stopped) settled = this.deferClear(model, id, revision, sent);
      else settled = await this.clear(model, id, revision);
    } catch (error) {
      metrics.failures().inc({ collection });
      this.logger.warn({ message: 'outbox publish failed; the sweep will retry', collection, id: String(id), error: (error as Error).message });
    } finally {
      if (!settled && sent.size > 0) this.rememberSent(key, sent);
    }
  }

  /** Clears what a publish sent, if no write added to the outbox since (the revision it saw is current). */
  private async clear(model: OutboxModel, id: unknown, revision: number, lockedUntil?: Date): Promise<boolean> {
    const result = await model.updateOne({ _id: id, ...(lockedUntil ? { outboxLockedUntil: lockedUntil } : {}), outboxRevision: revision }, outboxClear());
    return result.matchedCount === 1;
  }

  private deferClear(model: OutboxModel, id: unknown, revision: number, sent: Set<string>): true {
    const key = keyOf(model, id);
    // One already waiting (a write gave back the clear it took while another write's publish left one):
    // they become one, at the later revision, with everything either sent.
    const waiting = this.takeDeferred(key);
    const clear: DeferredClear = { model, id, revision: Math.max(revision, waiting?.revision ?? 0), sent: new Set([...sent, ...(waiting?.sent ?? [])]) };
    clear.timer = setTimeout(() => this.enqueue(key, () => this.runDeferredClear(key, clear)), this.config.OUTBOX_CLEAR_DELAY_MS);
    this.deferredClears.set(key, clear);
    return true;
  }

  private takeDeferred(key: string): DeferredClear | undefined {
    const clear = this.deferredClears.get(key);
    if (!clear) return undefined;
    clearTimeout(clear.timer);
    this.deferredClears.delete(key);
    return clear;
  }

  /** No write took the clear in time: the relay makes it (unless a later write or publish took it meanwhile). */
  private async runDeferredClear(key: string, clear: DeferredClear): Promise<void> {
    if (this.deferredClears.get(key) !== clear) return;
    this.deferredClears.delete(key);
    const model = clear.model as OutboxModel;
    try {
      if (!(await this.clear(model, clear.id, clear.revision))) this.rememberSent(key, clear.sent);
    } catch (error) {
      this.rememberSent(key, clear.sent);
      metrics.failures().inc({ collection: model.collection.collectionName });
      this.logger.warn({
        message: 'outbox clear failed; the sweep will retry',
        collection: model.collection.collectionName,
        id: String(clear.id),
        error: (error as Error).message,
      });
    }
  }

  /** Resolves once the publishes asked for so far are done (a clear held for a document's next write may still wait). */
  async whenPublished(): Promise<void> {
    await Promise.allSettled([...this.inProgress.values()]);
  }

  /** Bounded: a document left uncleared with no later write is the sweep's, which publishes it whole. */
  private rememberSent(key: string, sent: Set<string>): void {
    this.sentNotCleared.set(key, sent);
    if (this.sentNotCleared.size > MAX_DOCUMENTS_REMEMBERED) this.sentNotCleared.delete(this.sentNotCleared.keys().next().value as string);
  }

  /** Publishes everything pending (also used by tests and at startup). Returns how many documents it published. */
  async sweep(graceMs = SWEEP_GRACE_MS): Promise<number> {
    let published = 0;
    for (const model of this.models) {
      const pending = await this.pendingOf(model);
      this.recordLag(model, pending);
      // A document whose clear this process is holding for its next write was published already.
      const due = pending.filter((doc) => doc.outboxPendingSince.getTime() <= Date.now() - graceMs && !this.deferredClears.has(keyOf(model, doc._id)));
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
      const published = new Set<string>(this.takeDeferred(keyOf(model, id))?.sent);
      for (let round = 0; round < MAX_ROUNDS_PER_CLAIM; round++) {
        const unpublished = doc.outbox.filter((entry) => !published.has(entry.eventId));
        if (unpublished.length > 0) {
          await this.producer.send(unpublished.map(({ topic, key, envelope }) => ({ topic, key, envelope })));
          unpublished.forEach((entry) => published.add(entry.eventId));
          metrics.published().inc({ collection }, unpublished.length);
        }
        await this.insertRecords(model, doc.outboxRecords ?? []);
        for (const hook of this.hooks.get(collection) ?? []) await hook(doc);
        // Clear the outbox only if nothing was appended meanwhile; otherwise read again and publish the rest.
        if (await this.clear(model, id, doc.outboxRevision, claimUntil)) return true;
        doc = await model.findOne({ _id: id, outboxLockedUntil: claimUntil }).lean<ClaimedOutbox>();
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

  /** Moves history records to their collections; a record inserted before (a repeat after a crash) is already there. */
  private async insertRecords(model: OutboxModel, records: OutboxRecord[]): Promise<void> {
    const byCollection = new Map<string, OutboxRecord['document'][]>();
    for (const { collection, document } of records) byCollection.set(collection, [...(byCollection.get(collection) ?? []), document]);
    for (const [collection, documents] of byCollection) await insertNew(model.db.collection<OutboxRecord['document']>(collection), documents);
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
    for (const [key, clear] of this.deferredClears) {
      clearTimeout(clear.timer);
      this.enqueue(key, () => this.runDeferredClear(key, clear));
    }
    await Promise.allSettled([...this.inFlight]);
  }
}

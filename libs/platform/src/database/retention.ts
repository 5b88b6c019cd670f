import { type DynamicModule, Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';
import { counter, gauge } from '../metrics/metrics.js';
import { DayPruner, utcDayOf } from './day-buckets.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The days are a day wide: looking once an hour deletes a day's records within an hour of their turn. */
const PRUNE_INTERVAL_MS = HOUR_MS;
/** The first run waits for the service to be up (and a deploy's migrations to have given old records their day). */
const FIRST_RUN_DELAY_MS = 60_000;
/** How often every day within the pruner's lookback is deleted again (records `onlyIf` kept, days back-filled late). */
const REWALK_INTERVAL_MS = DAY_MS;

/**
 * One collection whose records are deleted once they are old: a row of a service's retention table.
 *
 * A record is eligible once it carries `day`, the UTC day from which its retention counts (`utcDayOf`),
 * written by the write that finishes it: at creation for a record that is finished as it is written (an
 * inbox entry, an idempotency record), by the transition to a final state otherwise (a fired timer, a
 * processed Stripe event). A live record has no `day` and is never selected. Records are deleted a whole
 * day at a time by an equality on `day` (DayPruner), the only kind of filter the local engine (FerretDB)
 * answers from an index: kept at least `keepFor`, at most a day longer.
 */
export interface RetentionRule {
  /** The collection, in the service's own database. */
  collection: string;
  keepFor: { days: number } | { hours: number };
  /**
   * What a record of an old day must also satisfy to go (checked on the records the day's equality
   * selected): a finished record that still has work attached, e.g. its outbox not yet published
   * (`outboxPublished` from @bp/outbox). One it keeps is deleted by a later run once it satisfies it.
   */
  onlyIf?: Record<string, unknown>;
}

export const RETENTION_RULES = Symbol('RETENTION_RULES');

const metrics = {
  deleted: () => counter('retention_records_deleted_total', 'Records deleted by retention, by collection', ['collection']),
  failures: () => counter('retention_prune_failures_total', 'Retention runs of a collection that failed (retried the next period)', ['collection']),
  lastSuccess: () =>
    gauge('retention_last_success_timestamp_seconds', 'When retention last pruned a collection without an error (unix seconds)', ['collection']),
};

export function keepForMs(rule: Pick<RetentionRule, 'keepFor'>): number {
  return 'days' in rule.keepFor ? rule.keepFor.days * DAY_MS : rule.keepFor.hours * HOUR_MS;
}

interface Pruned {
  rule: RetentionRule;
  pruner: DayPruner<mongo.Document & { day?: string }>;
  indexed: boolean;
}

/**
 * Deletes the service's old records, collection by collection as its retention table says
 * (RetentionModule.forRoot), every hour. Every replica runs it: deletes by day are idempotent, so two
 * replicas at once delete each record once between them (and count it once). A collection that fails is
 * logged and counted, the others go on, and the next period tries it again; nothing is thrown at the
 * service. The `day` index each collection needs is created here, at start (and before its first delete).
 */
@Injectable()
export class Retention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Retention.name);
  private readonly pruned: Pruned[];
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private rewalkedAt = Date.now();

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(RETENTION_RULES) rules: readonly RetentionRule[],
  ) {
    const names = rules.map((rule) => rule.collection);
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated) throw new Error(`retention: ${repeated} is listed twice`);
    this.pruned = rules.map((rule) => ({ rule, pruner: new DayPruner(() => this.connection.collection(rule.collection)), indexed: false }));
    // Zero series from the start: the first deletion or failure is an increase Prometheus can see.
    for (const collection of names) for (const metric of [metrics.deleted(), metrics.failures()]) metric.inc({ collection }, 0);
  }

  onApplicationBootstrap(): void {
    // The indexes at once, not at the first run: building one reads the whole collection, better done
    // at start than in the middle of traffic. One that fails is created again before its first delete.
    for (const entry of this.pruned) {
      this.ensureIndex(entry).catch((error: Error) =>
        this.logger.warn({
          message: 'retention: could not create the day index; retried before the first delete',
          collection: entry.rule.collection,
          error: error.message,
        }),
      );
    }
    this.timer = setTimeout(() => {
      this.runSoon();
      this.timer = setInterval(() => this.runSoon(), PRUNE_INTERVAL_MS).unref();
    }, FIRST_RUN_DELAY_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.running;
  }

  /** Starts a run unless one is under way in this process. */
  private runSoon(): void {
    this.running ??= this.prune().finally(() => (this.running = undefined));
  }

  /** One run over every collection; how many records each lost. Never throws: a failed collection is logged and counted. */
  async prune(now: Date = new Date()): Promise<Record<string, number>> {
    if (now.getTime() - this.rewalkedAt >= REWALK_INTERVAL_MS) {
      for (const { pruner } of this.pruned) pruner.rewalk();
      this.rewalkedAt = now.getTime();
    }
    const deleted: Record<string, number> = {};
    for (const entry of this.pruned) {
      const { collection, onlyIf } = entry.rule;
      const cutoff = new Date(now.getTime() - keepForMs(entry.rule));
      try {
        await this.ensureIndex(entry);
        const count = await entry.pruner.pruneBefore(cutoff, onlyIf);
        deleted[collection] = count;
        metrics.deleted().inc({ collection }, count);
        metrics.lastSuccess().set({ collection }, now.getTime() / 1000);
        if (count > 0) this.logger.log({ message: 'retention: old records deleted', collection, deleted: count, writtenBefore: utcDayOf(cutoff) });
      } catch (error) {
        metrics.failures().inc({ collection });
        this.logger.warn({ message: 'retention: pruning failed; the next period retries', collection, error: (error as Error).message });
      }
    }
    return deleted;
  }

  private async ensureIndex(entry: Pruned): Promise<void> {
    if (entry.indexed) return;
    await this.connection.collection(entry.rule.collection).createIndex({ day: 1 });
    entry.indexed = true;
  }
}

/**
 * A service's retention table: `rulesOf` lists the collections it prunes, with periods from its config
 * class. Imported once by the service's AppModule (docs/retention.md lists every table).
 */
@Module({})
export class RetentionModule {
  static forRoot<C>(configClass: Type<C>, rulesOf: (config: C) => RetentionRule[]): DynamicModule {
    return {
      module: RetentionModule,
      providers: [{ provide: RETENTION_RULES, inject: [configClass], useFactory: rulesOf }, Retention],
      exports: [Retention],
    };
  }
}

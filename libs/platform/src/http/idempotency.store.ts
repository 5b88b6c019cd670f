import { createHash } from 'node:crypto';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { utcDayOf } from '../database/day-buckets.js';
import type { RetentionRule } from '../database/retention.js';
import { ApiError } from './api-envelope.js';
import { isDuplicateKey } from '../database/duplicate-key.js';

interface IdempotencyRecord {
  _id: string;
  requestHash: string;
  state: 'in_progress' | 'done';
  lockedUntil: Date;
  response?: { status: number; body: unknown };
  createdAt: Date;
  /** The UTC day it was created: its retention counts from it (idempotencyRetention). */
  day?: string;
}

export interface IdempotencyScope {
  actor: { type: string; id: string };
  operation: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  replayed: boolean;
}

export enum IdempotencyErrorCode {
  Reused = 'IDEMPOTENCY_KEY_REUSED',
  InProgress = 'IDEMPOTENCY_KEY_IN_PROGRESS',
}
/** A request that died mid-way frees its key after this long. */
const LOCK_MS = 30_000;
const COLLECTION = 'idempotency_records';

/**
 * The retention rule of a service's idempotency records (its IDEMPOTENCY_RETENTION_HOURS): a record is
 * kept that long after it was created, since a client retries a request within that window; a retry
 * after it runs again. A run still in progress holds its key for LOCK_MS, far less than a day, so an old
 * `in_progress` record is one whose run died, which a retry would take over anyway.
 */
export function idempotencyRetention(hours: number): RetentionRule {
  return { collection: COLLECTION, keepFor: { hours } };
}

function hashOf(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}

/**
 * Idempotency keys scoped by actor and operation. The first request with a key records itself
 * (a unique _id, so concurrent duplicates cannot both run), runs, and stores its response; a retry
 * with the same body gets that response replayed, with a different body IDEMPOTENCY_KEY_REUSED, and
 * while the first still runs IDEMPOTENCY_KEY_IN_PROGRESS. A failed run frees the key.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  private records!: Collection<IdempotencyRecord>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.records = this.connection.collection<IdempotencyRecord>(COLLECTION);
  }

  async run(
    scope: IdempotencyScope,
    body: unknown,
    execute: () => Promise<{ status: number; body: unknown }>,
    now: Date = new Date(),
  ): Promise<StoredResponse> {
    const id = `${scope.actor.type}:${scope.actor.id}:${scope.operation}:${scope.key}`;
    const requestHash = hashOf(body);
    const claimed = await this.claim(id, requestHash, now);
    if (!claimed) return this.replay(id, requestHash, now);
    try {
      const response = await execute();
      await this.records.updateOne({ _id: id }, { $set: { state: 'done', response } });
      return { ...response, replayed: false };
    } catch (error) {
      await this.records.deleteOne({ _id: id, state: 'in_progress' });
      throw error;
    }
  }

  private async claim(id: string, requestHash: string, now: Date): Promise<boolean> {
    try {
      await this.records.insertOne({
        _id: id,
        requestHash,
        state: 'in_progress',
        lockedUntil: new Date(now.getTime() + LOCK_MS),
        createdAt: now,
        day: utcDayOf(now),
      });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // A run that died holding the key: take it over once its lock lapsed.
    const takeover = await this.records.updateOne(
      { _id: id, state: 'in_progress', requestHash, lockedUntil: { $lte: now } },
      { $set: { lockedUntil: new Date(now.getTime() + LOCK_MS) } },
    );
    return takeover.modifiedCount === 1;
  }

  private async replay(id: string, requestHash: string, now: Date): Promise<StoredResponse> {
    const record = await this.records.findOne({ _id: id });
    if (!record) throw new ApiError(409, IdempotencyErrorCode.InProgress, 'Retry: the first request with this key just failed');
    if (record.requestHash !== requestHash)
      throw new ApiError(422, IdempotencyErrorCode.Reused, 'This idempotency key was already used for a different request');
    if (record.state !== 'done' || !record.response) {
      throw new ApiError(409, IdempotencyErrorCode.InProgress, 'A request with this idempotency key is still running', {
        retryAfterSeconds: Math.max(1, Math.ceil((record.lockedUntil.getTime() - now.getTime()) / 1000)),
      });
    }
    return { ...record.response, replayed: true };
  }
}

/** The idempotency records of a service's mutating calls, in its own database. */
@Module({ providers: [IdempotencyStore], exports: [IdempotencyStore] })
export class IdempotencyModule {}

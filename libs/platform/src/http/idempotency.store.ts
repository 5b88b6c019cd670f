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

/** The record of a key's answer: a document of its own, so storing it is an insert. */
function answerId(id: string): string {
  return `${id}#answer`;
}

/**
 * Idempotency keys scoped by actor and operation. The first request with a key records itself
 * (a unique _id, so concurrent duplicates cannot both run), runs, and stores its response; a retry
 * with the same body gets that response replayed, with a different body IDEMPOTENCY_KEY_REUSED, and
 * while the first still runs IDEMPOTENCY_KEY_IN_PROGRESS. A failed run frees the key.
 *
 * The response is stored as a second record (`<key>#answer`), inserted, rather than written into the
 * first: an insert is one statement where an update is a read and a write on FerretDB, for every
 * mutation of every service. A retry looks for the answer first. (Records written before kept the
 * answer in the first record, `state: 'done'`; they are still replayed.)
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
    const earlier = await this.claim(id, requestHash, now);
    if (earlier) return earlier;
    let response: { status: number; body: unknown };
    try {
      response = await execute();
    } catch (error) {
      await this.records.deleteOne({ _id: id, state: 'in_progress' });
      throw error;
    }
    await this.storeAnswer(id, requestHash, response, now);
    return { ...response, replayed: false };
  }

  /** Records the key as running; or, when it is taken, answers what a retry gets (the first answer, or an error). */
  private async claim(id: string, requestHash: string, now: Date): Promise<StoredResponse | undefined> {
    try {
      await this.records.insertOne({
        _id: id,
        requestHash,
        state: 'in_progress',
        lockedUntil: new Date(now.getTime() + LOCK_MS),
        createdAt: now,
        day: utcDayOf(now),
      });
      return undefined;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const answer = await this.records.findOne({ _id: answerId(id) });
    if (answer) return replayOf(answer, requestHash);
    // A run that died holding the key: take it over once its lock lapsed.
    const takeover = await this.records.updateOne(
      { _id: id, state: 'in_progress', requestHash, lockedUntil: { $lte: now } },
      { $set: { lockedUntil: new Date(now.getTime() + LOCK_MS) } },
    );
    if (takeover.modifiedCount === 1) return undefined;
    const record = await this.records.findOne({ _id: id });
    if (!record) throw new ApiError(409, IdempotencyErrorCode.InProgress, 'Retry: the first request with this key just failed');
    if (record.state === 'done') return replayOf(record, requestHash);
    if (record.requestHash !== requestHash) throw reused();
    // The run may have answered since the answer was looked for.
    const answered = await this.records.findOne({ _id: answerId(id) });
    if (answered) return replayOf(answered, requestHash);
    throw new ApiError(409, IdempotencyErrorCode.InProgress, 'A request with this idempotency key is still running', {
      retryAfterSeconds: Math.max(1, Math.ceil((record.lockedUntil.getTime() - now.getTime()) / 1000)),
    });
  }

  /** The first answer stands: a run that took over a key whose first run answered after all keeps that answer. */
  private async storeAnswer(id: string, requestHash: string, response: { status: number; body: unknown }, now: Date): Promise<void> {
    try {
      await this.records.insertOne({ _id: answerId(id), requestHash, state: 'done', lockedUntil: now, response, createdAt: now, day: utcDayOf(now) });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
}

function reused(): ApiError {
  return new ApiError(422, IdempotencyErrorCode.Reused, 'This idempotency key was already used for a different request');
}

/** What a retry gets from a key's answer: the answer, or IDEMPOTENCY_KEY_REUSED for another body. */
function replayOf(answer: IdempotencyRecord, requestHash: string): StoredResponse {
  if (answer.requestHash !== requestHash) throw reused();
  return { ...answer.response!, replayed: true };
}

/** The idempotency records of a service's mutating calls, in its own database. */
@Module({ providers: [IdempotencyStore], exports: [IdempotencyStore] })
export class IdempotencyModule {}

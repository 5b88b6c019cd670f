import { createHash, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { IdempotencyStore } from '@bp/platform';

const now = new Date('2031-07-01T10:00:00Z');
const seconds = (s: number) => new Date(now.getTime() + s * 1000);
const hashOf = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** The idempotency records of booking-svc's mutating calls (@bp/platform's IdempotencyStore), on the real MongoDB-compatible server. */
describe('IdempotencyStore', () => {
  let connection: Connection;
  let store: IdempotencyStore;
  const records = () => connection.collection<{ _id: string; state: string }>('idempotency_records');
  const scope = () => ({ actor: { type: 'patient', id: `p-${randomUUID()}` }, operation: 'create-booking', key: randomUUID() });
  /** An execute that counts its runs and answers the run's number. */
  const counting = () => {
    let runs = 0;
    const execute = async () => ({ status: 201, body: { run: ++runs } });
    return { execute, runs: () => runs };
  };

  beforeAll(async () => {
    connection = await connectScratchDatabase(`idempotency_${uniqueSuffix()}`);
    store = new IdempotencyStore(connection);
    store.onModuleInit();
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('runs a key once and replays its first answer, with the same status, to a retry with the same body', async () => {
    const key = scope();
    const { execute, runs } = counting();
    expect(await store.run(key, { a: 1 }, execute, now)).toEqual({ status: 201, body: { run: 1 }, replayed: false });
    expect(await store.run(key, { a: 1 }, execute, seconds(1))).toEqual({ status: 201, body: { run: 1 }, replayed: true });
    // Long after the first run's lock: still the first answer, never a second run.
    expect(await store.run(key, { a: 1 }, execute, seconds(3600))).toEqual({ status: 201, body: { run: 1 }, replayed: true });
    expect(runs()).toBe(1);
  });

  it('refuses the key for a different body, before and after the first run answered', async () => {
    const key = scope();
    let release!: () => void;
    const running = store.run(key, { a: 1 }, () => new Promise((resolve) => (release = () => resolve({ status: 200, body: {} }))), now);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(store.run(key, { a: 2 }, counting().execute, seconds(1))).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    release();
    await running;
    await expect(store.run(key, { a: 2 }, counting().execute, seconds(2))).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('answers IDEMPOTENCY_KEY_IN_PROGRESS while the first run runs, with how long until its lock lapses', async () => {
    const key = scope();
    let release!: () => void;
    const running = store.run(key, {}, () => new Promise((resolve) => (release = () => resolve({ status: 200, body: { first: true } }))), now);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(store.run(key, {}, counting().execute, seconds(10))).rejects.toMatchObject({
      status: 409,
      code: 'IDEMPOTENCY_KEY_IN_PROGRESS',
      details: { retryAfterSeconds: 20 },
    });
    release();
    await running;
    expect(await store.run(key, {}, counting().execute, seconds(11))).toEqual({ status: 200, body: { first: true }, replayed: true });
  });

  it('frees the key of a failed run, and lets a retry take over the key of a run that died once its lock lapsed', async () => {
    const failed = scope();
    await expect(store.run(failed, {}, () => Promise.reject(new Error('boom')), now)).rejects.toThrow('boom');
    expect(await store.run(failed, {}, counting().execute, seconds(1))).toMatchObject({ replayed: false });

    const died = scope();
    const id = `${died.actor.type}:${died.actor.id}:${died.operation}:${died.key}`;
    await records().insertOne({ _id: id, requestHash: 'x', state: 'in_progress', lockedUntil: seconds(30), createdAt: now } as never);
    // The dead run's body hash is not this one's: a different body is refused, even once the lock lapsed.
    await expect(store.run(died, {}, counting().execute, seconds(31))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await records().updateOne({ _id: id }, { $set: { requestHash: hashOf({}) } } as never);
    await expect(store.run(died, {}, counting().execute, seconds(29))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS' });
    expect(await store.run(died, {}, counting().execute, seconds(31))).toEqual({ status: 201, body: { run: 1 }, replayed: false });
  });

  it('replays an answer kept the way records were written before (in the first record)', async () => {
    const key = scope();
    const id = `${key.actor.type}:${key.actor.id}:${key.operation}:${key.key}`;
    await records().insertOne({
      _id: id,
      requestHash: hashOf({}),
      state: 'done',
      lockedUntil: now,
      response: { status: 201, body: { old: true } },
      createdAt: now,
    } as never);
    expect(await store.run(key, {}, counting().execute, seconds(3600))).toEqual({ status: 201, body: { old: true }, replayed: true });
  });

  it('keeps the answer as a record of its own beside the key’s (an insert, not an update of the key’s record)', async () => {
    const key = scope();
    await store.run(key, {}, counting().execute, now);
    const id = `${key.actor.type}:${key.actor.id}:${key.operation}:${key.key}`;
    expect(
      (
        await records()
          .find({ _id: { $in: [id, `${id}#answer`] } })
          .toArray()
      )
        .map((r) => [r._id, r.state])
        .sort(),
    ).toEqual([
      [`${id}#answer`, 'done'],
      [id, 'in_progress'],
    ]);
  });
});

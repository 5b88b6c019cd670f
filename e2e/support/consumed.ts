import type { mongo } from 'mongoose';
import { waitFor } from '@bp/testing';
import { scrape } from './scrape.js';

/** How many messages of this topic and type the service at `baseUrl` has consumed, whatever it made of them. */
export async function consumedCount(baseUrl: string, topic: string, type: string): Promise<number> {
  return (await scrape(baseUrl)).value('kafka_messages_consumed_total', { topic, type }) ?? 0;
}

/**
 * A barrier instead of a sleep: runs `send`, then waits until the service at `baseUrl` has consumed
 * `count` more messages of this topic and type (handled, found to be a duplicate, or ignored). A
 * message is counted once everything the service does for it is done, so what it would have done
 * twice, or should not have done at all, shows by then.
 */
export async function sendAndAwaitConsumed(baseUrl: string, message: { topic: string; type: string }, send: () => Promise<unknown>, count = 1): Promise<void> {
  const before = await consumedCount(baseUrl, message.topic, message.type);
  await send();
  await waitFor(
    async () => (await consumedCount(baseUrl, message.topic, message.type)) >= before + count,
    20_000,
    () => `${count} more ${message.type} consumed from ${message.topic} by ${baseUrl}`,
  );
}

/** Waits until no document of `collection` has messages waiting in its outbox (what it would publish is on its topic). */
export async function outboxPublished(db: mongo.Db, collection: string): Promise<void> {
  await waitFor(
    async () => (await db.collection(collection).countDocuments({ outboxPending: true })) === 0,
    15_000,
    () => `the ${collection} outboxes published`,
  );
}

import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Topics, deadLetterTopicFor, retryTopicFor } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { probeTopic, publishMessage, uniqueSuffix, waitFor, workspaceRoot } from '@bp/testing';
import { inProcessConsumers } from './support/in-process-consumers.js';

const TOPIC = Topics.bookingEvents;

/**
 * A handler that keeps failing: tried in place with growing waits, then parked on the group's retry
 * topic for rounds that come back when due, then dead-lettered; and the dead-letter redrive command
 * that brings it back once the cause is fixed. The transport runs in this process on the real broker
 * (its handler fails on purpose), with short waits; its group and topics are this run's own.
 */
describe('consumer retries: in place, then a retry topic, then the dead-letter topic and its redrive', () => {
  const suffix = uniqueSuffix();
  const consumers = inProcessConsumers('consumer-retries', 4191);
  const { env, kafka, publisher } = consumers;

  /** A consumer group of this run whose handler answers with `handle` for this run's messages. */
  async function consume(group: string, handle: (attempt: number) => Promise<void>) {
    let attempts = 0;
    await consumers.listen(
      group,
      [TOPIC, 'SlotReserved'],
      async (envelope) => {
        if (envelope.aggregateId.startsWith(group)) await handle(++attempts);
      },
      { maxAttempts: 2, retryBackoffMs: 10, retryMaxBackoffMs: 20, retryTopicRounds: 2, retryTopicDelayMs: 200 },
    );
    return { attempts: () => attempts };
  }

  function reserved(group: string) {
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const id = `${group}/${randomUUID()}`;
    return buildMessage(
      TOPIC,
      'SlotReserved',
      { reservationId: id, providerId: 'provider-1', patientId: 'patient-1', serviceId: 'svc-consult', startTime: at, endTime: at, expiresAt: at },
      { id, version: 1 },
    );
  }

  const failure = () => Promise.reject(new Error('the database is failing over'));

  it('parks a message that fails its attempts in place on the retry topic and handles it in a later round', async () => {
    const group = `consumer-retries-${suffix}-a`;
    const retries = await probeTopic(retryTopicFor(group), kafka);
    const deadLetters = await probeTopic(deadLetterTopicFor(group), kafka);
    let handled = 0;
    // Fails its two attempts in place and the first round's two; the second round's first attempt succeeds.
    const consumer = await consume(group, async (attempt) => {
      if (attempt <= 4) return failure();
      handled++;
    });
    const message = reserved(group);
    await publishMessage(publisher, message);
    await waitFor(
      async () => handled === 1,
      30_000,
      () => `the message to be handled in its second round (attempts so far: ${consumer.attempts()})`,
    );
    const parkedOf = () => retries.records.filter((r) => r.value?.includes(message.envelope.eventId));
    const parked = await waitFor(
      async () => (parkedOf().length >= 2 ? parkedOf() : undefined),
      15_000,
      () => `both rounds on the retry topic (seen ${parkedOf().length})`,
    );
    expect(parked.map((r) => r.headers['x-retry-round'])).toEqual(['1', '2']);
    expect(parked[0]!.headers).toMatchObject({ 'x-dead-letter-original-topic': TOPIC, 'x-retry-error': expect.stringContaining('failing over') });
    expect(Date.parse(parked[1]!.headers['x-retry-not-before']!) - Date.parse(parked[0]!.headers['x-retry-not-before']!)).toBeGreaterThan(0);
    expect(consumer.attempts()).toBe(5);
    expect(deadLetters.records.filter((r) => r.value?.includes(message.envelope.eventId))).toEqual([]);
    await Promise.all([retries.stop(), deadLetters.stop()]);
  }, 60_000);

  it('dead-letters a message still failing after its last round, and the redrive command brings it back once the cause is fixed', async () => {
    const group = `consumer-retries-${suffix}-b`;
    const deadLetters = await probeTopic(deadLetterTopicFor(group), kafka);
    let fixed = false;
    let handled = 0;
    const consumer = await consume(group, async () => {
      if (!fixed) return failure();
      handled++;
    });
    const message = reserved(group);
    await publishMessage(publisher, message);
    const dead = await waitFor(
      async () => deadLetters.records.find((r) => r.value?.includes(message.envelope.eventId)),
      30_000,
      () => `the message on the dead-letter topic (attempts so far: ${consumer.attempts()})`,
    );
    // Two attempts in place, then two rounds of two.
    expect(consumer.attempts()).toBe(6);
    expect(dead.headers).toMatchObject({ 'x-dead-letter-reason': 'retries-exhausted', 'x-dead-letter-original-topic': TOPIC, 'x-dead-letter-attempts': '2' });

    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, [join(workspaceRoot, 'dist/libs/messaging/src/bin/dead-letters.js'), ...args, '--group', group], {
        env,
        timeout: 60_000,
      });
    const listed = await cli('list');
    expect(listed.stdout).toContain(message.envelope.eventId);
    expect(listed.stdout).toContain('waiting');

    fixed = true;
    const redriven = await cli('redrive');
    expect(redriven.stdout).toContain('1 message(s) redriven');
    await waitFor(
      async () => handled === 1,
      30_000,
      () => 'the redriven message to be handled',
    );
    // A full redrive remembers how far it went: nothing is sent twice.
    expect((await cli('redrive')).stdout).toContain('0 message(s) redriven');
    expect((await cli('list')).stdout).toContain('redriven');
    expect(handled).toBe(1);
    await deadLetters.stop();
  }, 90_000);
});

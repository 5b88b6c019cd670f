import type { Admin, KafkaMessage } from 'kafkajs';
import { MessageHeaders, deadLetterTopicFor, retryTopicFor } from '@bp/contracts';
import type { KafkaClient } from './kafka-client.js';
import type { KafkaProducer } from './kafka-producer.js';
import { parkingHeaders } from './retry-topic.js';

/** One record of a dead-letter topic, as an operator reads it. */
export interface DeadLetter {
  partition: number;
  offset: string;
  originalTopic: string;
  type: string;
  eventId: string;
  reason: string;
  error: string;
  /** Already taken by a full redrive (below the redrive group's committed offset). */
  redriven: boolean;
}

export interface RedriveOptions {
  /** Only this event (the group's position is not moved: the rest stay for a later full redrive). */
  eventId?: string;
  /** Which retry round a redriven message starts in: the last one, so a message that still fails returns here after its attempts in place. */
  round: number;
  dryRun?: boolean;
}

const text = (value: Buffer | string | (Buffer | string)[] | undefined) => (Array.isArray(value) ? value[0] : value)?.toString() ?? '';

/** The event id and type from the headers, or from the envelope when a producer sent no headers. */
function identify(message: KafkaMessage): { eventId: string; type: string } {
  const headers = message.headers ?? {};
  const eventId = text(headers[MessageHeaders.eventId]);
  const type = text(headers[MessageHeaders.type]);
  if (eventId && type) return { eventId, type };
  try {
    const envelope = JSON.parse(message.value?.toString() ?? '') as { eventId?: unknown; type?: unknown };
    return { eventId: eventId || String(envelope.eventId ?? ''), type: type || String(envelope.type ?? '') };
  } catch {
    return { eventId, type };
  }
}

function describe(message: KafkaMessage, partition: number, redriven: boolean): DeadLetter {
  const headers = message.headers ?? {};
  return {
    partition,
    offset: message.offset,
    originalTopic: text(headers[MessageHeaders.deadLetterOriginalTopic]),
    ...identify(message),
    reason: text(headers[MessageHeaders.deadLetterReason]),
    error: text(headers[MessageHeaders.deadLetterError]),
    redriven,
  };
}

/**
 * Reads and redrives a consumer group's dead-letter topic (`<group>.dead-letter.v1`). A redrive puts
 * each message on the group's retry topic, due now, where the group's consumer takes it like any
 * parked message: handled if the cause was fixed (the inbox makes a repeat a no-op), back on the
 * dead-letter topic after its attempts if not. Only that group sees it again, not every consumer of
 * the original topic. A full redrive remembers how far it went (consumer group `<group>.redrive`).
 */
export class DeadLetterRedrive {
  constructor(
    private readonly client: KafkaClient,
    private readonly producer: KafkaProducer,
    private readonly group: string,
  ) {}

  private get topic(): string {
    return deadLetterTopicFor(this.group);
  }

  private get redriveGroup(): string {
    return `${this.group}.redrive`;
  }

  /** Every record on the dead-letter topic, oldest first per partition. */
  async list(): Promise<DeadLetter[]> {
    const listed: DeadLetter[] = [];
    const done = await this.positions();
    await this.read(new Map([...done].map(([partition, position]) => [partition, { ...position, from: position.low }])), (partition, message) => {
      listed.push(describe(message, partition, BigInt(message.offset) < (done.get(partition)?.committed ?? 0n)));
    });
    return listed;
  }

  /** Redrives what no full redrive took yet (or only `eventId`); returns what it sent. */
  async redrive(options: RedriveOptions): Promise<DeadLetter[]> {
    const positions = await this.positions();
    const from = options.eventId
      ? new Map([...positions].map(([partition, position]) => [partition, { ...position, from: position.low }]))
      : new Map([...positions].map(([partition, position]) => [partition, { ...position, from: position.committed }]));
    const chosen: Array<{ partition: number; message: KafkaMessage }> = [];
    await this.read(from, (partition, message) => {
      if (!options.eventId || identify(message).eventId === options.eventId) chosen.push({ partition, message });
    });
    if (!options.dryRun) {
      for (const { partition, message } of chosen) {
        const headers = message.headers ?? {};
        const origin = {
          originalTopic: text(headers[MessageHeaders.deadLetterOriginalTopic]),
          originalPartition: Number(text(headers[MessageHeaders.deadLetterOriginalPartition]) || partition),
          originalOffset: text(headers[MessageHeaders.deadLetterOriginalOffset]),
        };
        await this.producer.forward(retryTopicFor(this.group), {
          key: message.key,
          value: message.value,
          headers: parkingHeaders(withoutDeadLetterHeaders(headers), origin, options.round, new Date(), 'redriven from the dead-letter topic'),
        });
      }
      if (!options.eventId) await this.remember(positions);
    }
    return chosen.map(({ partition, message }) => describe(message, partition, false));
  }

  /** Each partition's first and next offsets, and how far a full redrive went. */
  private async positions(): Promise<Map<number, { low: bigint; high: bigint; committed: bigint }>> {
    const admin = await this.admin();
    try {
      const [ends, [committed]] = await Promise.all([
        admin.fetchTopicOffsets(this.topic),
        admin.fetchOffsets({ groupId: this.redriveGroup, topics: [this.topic] }),
      ]);
      const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      return new Map(
        ends.map((end) => {
          const low = BigInt(end.low);
          const position = done.get(end.partition) ?? -1n;
          return [end.partition, { low, high: BigInt(end.high), committed: position < low ? low : position }];
        }),
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** Reads each partition from `from` up to its `high` as it was when the command started. */
  private async read(ranges: Map<number, { from: bigint; high: bigint }>, each: (partition: number, message: KafkaMessage) => void): Promise<void> {
    const pending = new Map([...ranges].filter(([, range]) => range.from < range.high));
    if (pending.size === 0) return;
    const reader = `${this.redriveGroup}.reader.${Date.now()}`;
    const consumer = this.client.kafka.consumer({ groupId: reader, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const range = pending.get(partition);
          if (!range) return;
          const offset = BigInt(message.offset);
          if (offset >= range.from && offset < range.high) each(partition, message);
          if (offset + 1n >= range.high) pending.delete(partition);
          if (pending.size === 0) finish();
        },
      });
      for (const [partition, range] of pending) consumer.seek({ topic: this.topic, partition, offset: range.from.toString() });
      await finished;
    } finally {
      await consumer.disconnect();
      const admin = await this.admin();
      await admin.deleteGroups([reader]).catch(() => undefined);
      await admin.disconnect();
    }
  }

  private async remember(positions: Map<number, { high: bigint }>): Promise<void> {
    const admin = await this.admin();
    try {
      await admin.setOffsets({
        groupId: this.redriveGroup,
        topic: this.topic,
        partitions: [...positions].map(([partition, { high }]) => ({ partition, offset: high.toString() })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  private async admin(): Promise<Admin> {
    const admin = this.client.kafka.admin();
    await admin.connect();
    return admin;
  }
}

function withoutDeadLetterHeaders(headers: NonNullable<KafkaMessage['headers']>): NonNullable<KafkaMessage['headers']> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('x-dead-letter-') && !name.startsWith('x-retry-')));
}

import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateNested } from 'class-validator';

export const ACTOR_TYPES = ['patient', 'provider', 'admin', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export class Actor {
  @IsIn(ACTOR_TYPES)
  type: ActorType;

  @IsString()
  @IsNotEmpty()
  id: string;
}

/**
 * The W3C trace context (`traceparent`, `tracestate`) of the work that built a message. It travels in
 * the envelope so it survives the outbox: the relay publishes later, outside that work's async
 * context, and parents its publish span on this. Checked only as short strings: the propagator
 * parses it and ignores what it cannot read.
 */
export class TraceContext {
  @IsString()
  @MaxLength(256)
  traceparent: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  tracestate?: string;
}

/**
 * Every Kafka message carries this envelope (ARCHITECTURE.md, "Messaging rules"). The payload is
 * validated separately against the contract class registered for (topic, type).
 */
export class MessageEnvelope<P extends object = object> {
  @IsUUID()
  eventId: string;

  @IsString()
  @IsNotEmpty()
  type: string;

  @IsDateString()
  occurredAt: string;

  @IsString()
  @IsNotEmpty()
  aggregateId: string;

  @IsInt()
  @Min(0)
  aggregateVersion: number;

  @IsString()
  @IsNotEmpty()
  correlationId: string;

  @IsOptional()
  @IsString()
  causationId?: string;

  @ValidateNested()
  @Type(() => Actor)
  actor: Actor;

  @IsOptional()
  @ValidateNested()
  @Type(() => TraceContext)
  traceContext?: TraceContext;

  @IsObject()
  payload: P;
}

/** Kafka header names used next to the envelope (the envelope itself travels as the JSON value). */
export const MessageHeaders = {
  eventId: 'x-event-id',
  type: 'x-event-type',
  correlationId: 'x-correlation-id',
  deadLetterError: 'x-dead-letter-error',
  deadLetterReason: 'x-dead-letter-reason',
  deadLetterOriginalTopic: 'x-dead-letter-original-topic',
  deadLetterOriginalPartition: 'x-dead-letter-original-partition',
  deadLetterOriginalOffset: 'x-dead-letter-original-offset',
  deadLetterConsumerGroup: 'x-dead-letter-consumer-group',
  deadLetterAttempts: 'x-dead-letter-attempts',
  /** On the retry topic: which round this is (1 the first), when it is due, and the last error. */
  retryRound: 'x-retry-round',
  retryNotBefore: 'x-retry-not-before',
  retryError: 'x-retry-error',
} as const;

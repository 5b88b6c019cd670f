import type { MessageEnvelope } from '@bp/contracts';

/** A message on its way to Kafka: its topic, its key and the envelope it carries. */
export interface OutgoingMessage {
  topic: string;
  /** Partition key: the aggregate id, so one aggregate's messages stay ordered. */
  key: string;
  envelope: MessageEnvelope;
}

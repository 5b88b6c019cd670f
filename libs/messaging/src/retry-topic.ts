import type { IHeaders } from 'kafkajs';
import { MessageHeaders } from '@bp/contracts';

/** Where a message on a retry topic came from, which round it is in, and when it is due. */
export interface ParkedMessage {
  originalTopic: string;
  originalPartition: number;
  originalOffset: string;
  round: number;
  notBefore: Date;
}

/** A header's (first) value as text. */
export function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The parking details of a message read from a retry topic; undefined when its headers are not a retry's (it is dead-lettered). */
export function parkedFrom(headers: IHeaders | undefined): ParkedMessage | undefined {
  const originalTopic = header(headers, MessageHeaders.deadLetterOriginalTopic);
  const round = Number(header(headers, MessageHeaders.retryRound));
  const notBefore = new Date(header(headers, MessageHeaders.retryNotBefore) ?? '');
  if (!originalTopic || !Number.isInteger(round) || round < 1 || Number.isNaN(notBefore.getTime())) return undefined;
  return {
    originalTopic,
    originalPartition: Number(header(headers, MessageHeaders.deadLetterOriginalPartition) ?? -1),
    originalOffset: header(headers, MessageHeaders.deadLetterOriginalOffset) ?? '',
    round,
    notBefore,
  };
}

/** The wait before a round: the first after `delayMs`, doubling each round. */
export function roundDelayMs(round: number, delayMs: number): number {
  return delayMs * 2 ** (round - 1);
}

/**
 * The headers a message is parked with for `round`: its own headers (event id, trace context), where
 * it first came from (kept across rounds), and when it is due.
 */
export function parkingHeaders(
  headers: IHeaders | undefined,
  origin: Pick<ParkedMessage, 'originalTopic' | 'originalPartition' | 'originalOffset'>,
  round: number,
  notBefore: Date,
  error: string,
): IHeaders {
  return {
    ...(headers ?? {}),
    [MessageHeaders.deadLetterOriginalTopic]: origin.originalTopic,
    [MessageHeaders.deadLetterOriginalPartition]: String(origin.originalPartition),
    [MessageHeaders.deadLetterOriginalOffset]: origin.originalOffset,
    [MessageHeaders.retryRound]: String(round),
    [MessageHeaders.retryNotBefore]: notBefore.toISOString(),
    [MessageHeaders.retryError]: error.slice(0, 4000),
  };
}

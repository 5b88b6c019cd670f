import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { MessageEnvelope, isTopic, payloadClassFor } from '@bp/contracts';
import '@bp/platform'; // class-validator's rules kept per class (validation-rules-cache.ts)

export type InboundMessage<P extends object = object> = MessageEnvelope<P>;

export type ValidationOutcome =
  | { valid: true; message: InboundMessage }
  | { valid: false; reason: 'unparseable' | 'invalid-envelope' | 'unknown-type' | 'invalid-payload'; error: string; type?: string };

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((c) => `${prefix}${e.property}: ${c}`),
    ...describe(e.children ?? [], `${prefix}${e.property}.`),
  ]);
}

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/**
 * Checks a raw Kafka value against the envelope and the contract class of (topic, type) before any
 * handler runs, with class-validator's synchronous check (every contract constraint is synchronous;
 * the asynchronous one wraps each in a promise, for every message of every consumer).
 */
export function validateInbound(topic: string, value: Buffer | null): ValidationOutcome {
  let raw: unknown;
  try {
    raw = JSON.parse(value?.toString('utf8') ?? '');
  } catch (error) {
    return { valid: false, reason: 'unparseable', error: `value is not JSON: ${(error as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { valid: false, reason: 'unparseable', error: 'value is not a JSON object' };
  }
  const envelope = plainToInstance(MessageEnvelope, raw);
  const envelopeErrors = validateSync(envelope, { forbidUnknownValues: true });
  if (envelopeErrors.length > 0) return { valid: false, reason: 'invalid-envelope', error: describe(envelopeErrors).join('; ') };

  const payloadClass = isTopic(topic) ? payloadClassFor(topic, envelope.type) : undefined;
  if (!payloadClass) return { valid: false, reason: 'unknown-type', error: `no contract for ${topic} ${envelope.type}`, type: envelope.type };
  const payload = plainToInstance(payloadClass, envelope.payload);
  const payloadErrors = validateSync(payload, OPTIONS);
  if (payloadErrors.length > 0) {
    return { valid: false, reason: 'invalid-payload', error: describe(payloadErrors).join('; '), type: envelope.type };
  }
  envelope.payload = payload;
  return { valid: true, message: envelope };
}

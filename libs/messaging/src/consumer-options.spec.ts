import 'reflect-metadata';
import { DomainError } from '@bp/domain';
import { ConfigValidationError, ServiceConfig, loadConfig } from '@bp/platform';
import { consumerOptionsFrom, isRetryable } from './consumer-options.js';

class LostRace extends DomainError<'VERSION_CONFLICT' | 'NOT_ALLOWED'> {
  override get retryable(): boolean {
    return this.code === 'VERSION_CONFLICT';
  }
}

describe('isRetryable: what a consumer tries again and what it dead-letters at once', () => {
  it('dead-letters a domain rule’s no: the same message gets the same answer', () => {
    expect(isRetryable(new DomainError('NOT_ALLOWED', 'no'))).toBe(false);
    expect(isRetryable(new LostRace('NOT_ALLOWED', 'no'))).toBe(false);
  });

  it('tries again a domain error that says when, or that a service declares worth retrying', () => {
    expect(isRetryable(new DomainError('RATE_LIMITED', 'later', undefined, new Date(Date.now() + 60_000)))).toBe(true);
    expect(isRetryable(new LostRace('VERSION_CONFLICT', 'someone else wrote first'))).toBe(true);
  });

  it('tries again anything else (a database failing over, a timeout)', () => {
    expect(isRetryable(new Error('connection reset'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('duck'), { retryable: false }))).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
  });
});

describe('consumerOptionsFrom: how long an idle consumer waits on the broker', () => {
  const env = { PORT: '3001', KAFKA_BROKERS: '127.0.0.1:9092' };
  const fetchWait = (extra: Record<string, string>) =>
    consumerOptionsFrom(loadConfig('svc', ServiceConfig, { ...env, ...extra }), { inbox: 'none' }).fetchMaxWaitMs;

  it('waits 5 s by default (kafkajs’s own), or what KAFKA_FETCH_MAX_WAIT_MS says', () => {
    expect(fetchWait({})).toBe(5000);
    expect(fetchWait({ KAFKA_FETCH_MAX_WAIT_MS: '1000' })).toBe(1000);
  });

  it('refuses a wait under 100 ms (a busy poll) or over 10 s (well within the group’s 30 s session timeout)', () => {
    expect(() => fetchWait({ KAFKA_FETCH_MAX_WAIT_MS: '0' })).toThrow(ConfigValidationError);
    expect(() => fetchWait({ KAFKA_FETCH_MAX_WAIT_MS: '10001' })).toThrow(ConfigValidationError);
  });
});

import { DomainError } from '@bp/domain';
import { isRetryable } from './consumer-options.js';

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

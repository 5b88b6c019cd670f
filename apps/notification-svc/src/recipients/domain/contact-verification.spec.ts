import fc from 'fast-check';
import { ContactVerificationError, ContactVerificationErrorCode as Code } from './contact-verification-error.js';
import {
  type ContactVerification,
  type VerificationRules,
  afterAttempt,
  assertMaySend,
  codeToCheck,
  isVerified,
  stateFor,
  verificationView,
  withNewCode,
} from './contact-verification.js';

const RULES: VerificationRules = { codeTtlMs: 15 * 60_000, maxAttempts: 5, resendIntervalMs: 60_000, maxSendsPerDay: 5 };
const PHONE = '+4915112345678';
const SEALED = { hash: 'hash', salt: 'salt' };
const at = (iso: string) => new Date(iso);
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

/** The error code a rule throws, or undefined when it lets the call through. */
function refusal(run: () => unknown): { code: Code; retryAt?: Date } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof ContactVerificationError)) throw error;
    return { code: error.code, ...(error.retryAt ? { retryAt: error.retryAt } : {}) };
  }
}

describe('contact verification rules', () => {
  const sentAt = at('2030-01-15T10:00:00Z');
  const fresh = stateFor(undefined, PHONE);
  const pending = withNewCode(fresh, SEALED, sentAt, RULES);

  describe('expiry', () => {
    it('accepts a code until its time is up (CONTACT_CODE_TTL_MINUTES after sending), and answers CODE_EXPIRED from then on', () => {
      expect(pending.code!.expiresAt).toEqual(minutesAfter(sentAt, 15));
      expect(codeToCheck(pending, minutesAfter(sentAt, 14.99), RULES)).toBe(pending.code);
      expect(refusal(() => codeToCheck(pending, minutesAfter(sentAt, 15), RULES))).toEqual({ code: Code.CodeExpired });
      expect(verificationView(pending, minutesAfter(sentAt, 16), RULES)).toMatchObject({ status: 'unverified' });
    });

    it('has no code to check before one was sent, and none once the contact is verified', () => {
      expect(refusal(() => codeToCheck(fresh, sentAt, RULES))).toEqual({ code: Code.NoCode });
      const verified = afterAttempt(pending, pending.code!, true, minutesAfter(sentAt, 1));
      expect(refusal(() => codeToCheck(verified, minutesAfter(sentAt, 2), RULES))).toEqual({ code: Code.AlreadyVerified });
    });
  });

  describe('attempts', () => {
    it('counts each wrong code and voids the code after CONTACT_CODE_MAX_ATTEMPTS of them, even for the right code', () => {
      let state: ContactVerification = pending;
      for (let attempt = 1; attempt <= 5; attempt++) {
        const now = minutesAfter(sentAt, attempt);
        state = afterAttempt(state, codeToCheck(state, now, RULES), false, now);
        expect(state.code!.attempts).toBe(attempt);
        expect(state.verifiedAt).toBeUndefined();
      }
      expect(refusal(() => codeToCheck(state, minutesAfter(sentAt, 6), RULES))).toEqual({ code: Code.AttemptsExceeded });
      expect(verificationView(state, minutesAfter(sentAt, 6), RULES)).toMatchObject({ status: 'unverified' });
    });

    it('verifies with the right code, uses the code up and shows the tries left before that', () => {
      const once = afterAttempt(pending, pending.code!, false, minutesAfter(sentAt, 1));
      expect(verificationView(once, minutesAfter(sentAt, 1), RULES)).toMatchObject({ status: 'pending', attemptsLeft: 4 });
      const verified = afterAttempt(once, once.code!, true, minutesAfter(sentAt, 2));
      expect(verified.code).toBeUndefined();
      expect(verified.verifiedAt).toEqual(minutesAfter(sentAt, 2));
      expect(isVerified(verified, PHONE)).toBe(true);
      expect(verificationView(verified, minutesAfter(sentAt, 3), RULES)).toEqual({ status: 'verified', verifiedAt: minutesAfter(sentAt, 2).toISOString() });
    });

    it('a new code replaces one whose tries ran out, with tries of its own', () => {
      let state: ContactVerification = pending;
      for (let attempt = 1; attempt <= 5; attempt++) state = afterAttempt(state, state.code!, false, sentAt);
      const again = withNewCode(state, { hash: 'other', salt: 'other' }, minutesAfter(sentAt, 2), RULES);
      expect(again.code).toMatchObject({ attempts: 0, hash: 'other', expiresAt: minutesAfter(sentAt, 17) });
    });
  });

  describe('contacts that change', () => {
    it('a verified state says nothing about another address: the new one starts unverified, keeping the send counters', () => {
      const verified = { ...afterAttempt(pending, pending.code!, true, sentAt), revision: 3 };
      expect(isVerified(verified, PHONE)).toBe(true);
      expect(isVerified(verified, '+4915100000000')).toBe(false);
      expect(isVerified(verified, undefined)).toBe(false);
      const changed = stateFor(verified, '+4915100000000');
      expect(changed).toEqual({ value: '+4915100000000', sends: verified.sends, revision: 3 });
      expect(stateFor(verified, PHONE)).toBe(verified);
    });
  });

  describe('rate limit', () => {
    it('sends the first code at once, then at most one per CONTACT_CODE_RESEND_INTERVAL_SECONDS, saying when (Retry-After)', () => {
      expect(refusal(() => assertMaySend(fresh, sentAt, RULES))).toBeUndefined();
      expect(refusal(() => assertMaySend(pending, minutesAfter(sentAt, 0.5), RULES))).toEqual({ code: Code.ResendTooSoon, retryAt: minutesAfter(sentAt, 1) });
      expect(refusal(() => assertMaySend(pending, minutesAfter(sentAt, 1), RULES))).toBeUndefined();
      expect(verificationView(pending, minutesAfter(sentAt, 0.5), RULES).resendAvailableAt).toBe(minutesAfter(sentAt, 1).toISOString());
    });

    it('allows CONTACT_CODE_MAX_PER_DAY codes a UTC day, whatever the address, and the next from midnight UTC', () => {
      let state: ContactVerification = fresh;
      for (let send = 0; send < 5; send++) {
        const now = minutesAfter(sentAt, send * 10);
        assertMaySend(state, now, RULES);
        // The number changes every time: the limit is the person's, not the address's.
        state = withNewCode(stateFor(state, `+49151000000${send}`), SEALED, now, RULES);
      }
      const midnight = at('2030-01-16T00:00:00Z');
      expect(refusal(() => assertMaySend(state, minutesAfter(sentAt, 120), RULES))).toEqual({ code: Code.DailyLimit, retryAt: midnight });
      expect(verificationView(state, minutesAfter(sentAt, 120), RULES).resendAvailableAt).toBe(midnight.toISOString());
      expect(refusal(() => assertMaySend(state, midnight, RULES))).toBeUndefined();
      expect(withNewCode(state, SEALED, midnight, RULES).sends).toEqual({ day: '2030-01-16', count: 1, lastAt: midnight });
    });

    it('keeps the interval across midnight when the daily limit ran out just before it', () => {
      const hourly = { ...RULES, resendIntervalMs: 3_600_000 };
      let state: ContactVerification = fresh;
      for (const time of ['2030-01-15T19:00:00Z', '2030-01-15T20:00:00Z', '2030-01-15T21:00:00Z', '2030-01-15T22:00:00Z', '2030-01-15T23:30:00Z'])
        state = withNewCode(state, SEALED, at(time), hourly);
      expect(refusal(() => assertMaySend(state, at('2030-01-15T23:45:00Z'), hourly))).toEqual({
        code: Code.DailyLimit,
        retryAt: at('2030-01-16T00:30:00Z'),
      });
    });

    it('never lets more codes through than the rules allow, whatever the timing of the requests', () => {
      // Bursts within minutes (the interval) mixed with requests spread over three days (the daily limit).
      const offset = fc.oneof(fc.integer({ min: 0, max: 10 * 60_000 }), fc.integer({ min: 0, max: 3 * 86_400_000 }));
      const requests = fc.array(offset, { minLength: 1, maxLength: 60 });
      fc.assert(
        fc.property(requests, (offsets) => {
          const start = at('2030-01-15T00:00:00Z').getTime();
          let state: ContactVerification = fresh;
          const sent: number[] = [];
          for (const offset of [...offsets].sort((a, b) => a - b)) {
            const now = new Date(start + offset);
            if (refusal(() => assertMaySend(state, now, RULES))) continue;
            state = withNewCode(state, SEALED, now, RULES);
            sent.push(now.getTime());
          }
          for (let i = 1; i < sent.length; i++) expect(sent[i]! - sent[i - 1]!).toBeGreaterThanOrEqual(RULES.resendIntervalMs);
          const perDay = new Map<string, number>();
          for (const time of sent) {
            const day = new Date(time).toISOString().slice(0, 10);
            perDay.set(day, (perDay.get(day) ?? 0) + 1);
          }
          for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(RULES.maxSendsPerDay);
        }),
      );
    });
  });
});

import type { ContactVerificationStateView } from '@bp/contracts';
import type { RecipientPreferences } from './preferences.js';
import { ContactVerificationError, ContactVerificationErrorCode as Code } from './contact-verification-error.js';

/** The contacts that are verified before anything is sent to them: an email address and a phone number (SMS). */
export const CONTACT_CHANNELS = ['email', 'sms'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** A one-time code out for a contact: only its hash is kept. */
export interface PendingCode {
  hash: string;
  salt: string;
  issuedAt: Date;
  expiresAt: Date;
  /** Wrong codes tried against it so far. */
  attempts: number;
}

/**
 * One person's contact on one channel and whether they proved it is theirs. The send counters belong
 * to the person and channel, not to the address: changing the number does not reset the rate limit.
 */
export interface ContactVerification {
  /** The address this state is about; a state for another address says nothing about the current one. */
  value: string;
  verifiedAt?: Date;
  code?: PendingCode;
  sends: { day?: string; count: number; lastAt?: Date };
  /** Compare-and-swap counter of the stored record; 0 for one not stored yet. */
  revision: number;
}

export interface VerificationRules {
  codeTtlMs: number;
  maxAttempts: number;
  resendIntervalMs: number;
  maxSendsPerDay: number;
}

export type VerificationStatus = 'verified' | 'pending' | 'unverified';

/** A contact's verification state as callers see it: the public contract ContactVerificationStateContract, with its instants as ISO text. */
export interface VerificationView extends ContactVerificationStateView {
  status: VerificationStatus;
  verifiedAt?: string;
  codeExpiresAt?: string;
  attemptsLeft?: number;
  resendAvailableAt?: string;
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

export function contactOf(preferences: Pick<RecipientPreferences, 'email' | 'phone'>, channel: ContactChannel): string | undefined {
  return channel === 'email' ? preferences.email : preferences.phone;
}

/** The person's contact on the channel; throws when they have none. */
export function requireContact(preferences: RecipientPreferences, channel: ContactChannel): string {
  const value = contactOf(preferences, channel);
  if (!value) throw new ContactVerificationError(Code.ContactNotSet, `No ${channel === 'sms' ? 'phone number' : 'email address'} is set`);
  return value;
}

export function isVerified(state: ContactVerification | undefined, value: string | undefined): boolean {
  return value !== undefined && state?.value === value && state.verifiedAt !== undefined;
}

/** The state for this address: the stored one when it is about this address, else a fresh unverified one keeping the send counters. */
export function stateFor(stored: ContactVerification | undefined, value: string): ContactVerification {
  if (stored?.value === value) return stored;
  return { value, sends: stored?.sends ?? { count: 0 }, revision: stored?.revision ?? 0 };
}

/** When the next code may be sent: at most one per interval, and `maxSendsPerDay` per UTC day. Throws when not now. */
export function assertMaySend(state: ContactVerification, now: Date, rules: VerificationRules): void {
  const allowedAt = nextSendAt(state, now, rules);
  if (allowedAt <= now) return;
  const daily = state.sends.day === utcDay(now) && state.sends.count >= rules.maxSendsPerDay;
  throw new ContactVerificationError(
    daily ? Code.DailyLimit : Code.ResendTooSoon,
    daily ? 'No more codes may be sent to this contact today' : 'A code was sent a moment ago; ask again later',
    undefined,
    allowedAt,
  );
}

/** The earliest moment another code may be sent (now or before when one may be sent at once). */
export function nextSendAt(state: ContactVerification, now: Date, rules: VerificationRules): Date {
  const { day, count, lastAt } = state.sends;
  const afterInterval = lastAt ? lastAt.getTime() + rules.resendIntervalMs : now.getTime();
  const dayIsOver = day === utcDay(now) && count >= rules.maxSendsPerDay;
  return new Date(dayIsOver ? Math.max(afterInterval, Date.parse(day) + 86_400_000) : afterInterval);
}

/** The state after a new code went out: any earlier code is replaced, the contact is (again) unverified. */
export function withNewCode(state: ContactVerification, code: Pick<PendingCode, 'hash' | 'salt'>, now: Date, rules: VerificationRules): ContactVerification {
  const today = utcDay(now);
  const count = state.sends.day === today ? state.sends.count + 1 : 1;
  return {
    value: state.value,
    code: { ...code, issuedAt: now, expiresAt: new Date(now.getTime() + rules.codeTtlMs), attempts: 0 },
    sends: { day: today, count, lastAt: now },
    revision: state.revision,
  };
}

/** The code a caller may try now; throws why there is none to try. */
export function codeToCheck(state: ContactVerification, now: Date, rules: VerificationRules): PendingCode {
  if (state.verifiedAt) throw new ContactVerificationError(Code.AlreadyVerified, 'This contact is verified already');
  const { code } = state;
  if (!code) throw new ContactVerificationError(Code.NoCode, 'No code is out for this contact; ask for one');
  if (code.attempts >= rules.maxAttempts)
    throw new ContactVerificationError(Code.AttemptsExceeded, 'Too many wrong codes: this code is void; ask for a new one');
  if (code.expiresAt <= now) throw new ContactVerificationError(Code.CodeExpired, 'This code has expired; ask for a new one');
  return code;
}

/** The state after one attempt: verified (the code is used up), or one more wrong attempt counted. */
export function afterAttempt(state: ContactVerification, code: PendingCode, matched: boolean, now: Date): ContactVerification {
  if (matched) return { value: state.value, verifiedAt: now, sends: state.sends, revision: state.revision };
  return { ...state, code: { ...code, attempts: code.attempts + 1 } };
}

/** What a person sees of one contact: verified, a code pending (until when, tries left), or neither; and when they may ask for a code. */
export function verificationView(state: ContactVerification, now: Date, rules: VerificationRules): VerificationView {
  if (state.verifiedAt) return { status: 'verified', verifiedAt: state.verifiedAt.toISOString() };
  const resend = nextSendAt(state, now, rules);
  const resendAvailableAt = (resend > now ? resend : now).toISOString();
  const { code } = state;
  if (code && code.expiresAt > now && code.attempts < rules.maxAttempts)
    return { status: 'pending', codeExpiresAt: code.expiresAt.toISOString(), attemptsLeft: rules.maxAttempts - code.attempts, resendAvailableAt };
  return { status: 'unverified', resendAvailableAt };
}

import { Injectable } from '@nestjs/common';
import { NotificationConfig } from '../../../config/notification.config.js';
import { ContactVerificationError, ContactVerificationErrorCode as Code } from '../../domain/contact-verification-error.js';
import {
  type ContactChannel,
  type VerificationView,
  afterAttempt,
  codeToCheck,
  requireContact,
  stateFor,
  verificationView,
} from '../../domain/contact-verification.js';
import type { Person } from '../../domain/preferences.js';
import { codeMatches } from '../../domain/verification-code.js';
import { ContactVerificationRepository } from '../../infrastructure/contact-verification.repository.js';
import { RecipientRepository } from '../../infrastructure/recipient.repository.js';
import { codeBinding } from '../send-contact-code/send-contact-code.use-case.js';
import { verificationRules } from '../verification-rules.js';

/**
 * A person confirms their own contact with the code sent to it. The attempt is recorded (verified, or
 * one more wrong try) with a compare-and-swap before the answer is given, so concurrent guesses
 * cannot try more codes than the rules allow: a request that lost the race learns nothing.
 */
@Injectable()
export class VerifyContact {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly verifications: ContactVerificationRepository,
    private readonly config: NotificationConfig,
  ) {}

  async execute(person: Person, channel: ContactChannel, candidate: string, now: Date = new Date()): Promise<VerificationView> {
    const rules = verificationRules(this.config);
    const value = requireContact(await this.recipients.find(person.role, person.id), channel);
    const state = stateFor(await this.verifications.find(person, channel), value);
    const code = codeToCheck(state, now, rules);
    const matched = await codeMatches(candidate, code, codeBinding(person, channel, value));
    const next = afterAttempt(state, code, matched, now);
    if (!(await this.verifications.save(person, channel, next, now)))
      throw new ContactVerificationError(Code.Conflict, 'The contact changed at the same moment; try again');
    if (!matched) {
      const attemptsLeft = rules.maxAttempts - (next.code?.attempts ?? rules.maxAttempts);
      throw new ContactVerificationError(Code.CodeInvalid, 'This is not the code that was sent', { attemptsLeft });
    }
    return verificationView(next, now, rules);
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { NotificationConfig } from '../../../config/notification.config.js';
import { renderContactCode } from '../../../notifications/domain/render.js';
import { ChannelError } from '../../../notifications/infrastructure/channel.port.js';
import { NotificationChannels } from '../../../notifications/infrastructure/notification-channels.js';
import { ContactVerificationError, ContactVerificationErrorCode as Code } from '../../domain/contact-verification-error.js';
import {
  type ContactChannel,
  type ContactVerification,
  type VerificationView,
  assertMaySend,
  requireContact,
  nextSendAt,
  stateFor,
  verificationView,
  withNewCode,
} from '../../domain/contact-verification.js';
import type { Person } from '../../domain/preferences.js';
import { newCode, sealCode } from '../../domain/verification-code.js';
import { ContactVerificationRepository } from '../../infrastructure/contact-verification.repository.js';
import { RecipientRepository } from '../../infrastructure/recipient.repository.js';
import { verificationRules } from '../verification-rules.js';

export const CONTACT_CODE_TEMPLATE = 'contact_verification_code';

/** Refusals that come before a code is recorded. */
const NOT_RECORDED: ReadonlySet<Code> = new Set([Code.ChannelUnavailable, Code.ResendTooSoon, Code.DailyLimit]);

/** What a code is bound to: this person's contact on this channel at this address. */
export const codeBinding = (person: Person, channel: ContactChannel, value: string) => `${person.role}:${person.id}:${channel}:${value}`;

/**
 * Sends one-time codes to contacts: when a person sets or changes their email or phone, and when they
 * ask again. The code is recorded (hashed) before it is sent, and every send counts against the rate
 * limit, even one that failed: a send that timed out may still have arrived.
 */
@Injectable()
export class SendContactCode {
  private readonly logger = new Logger(SendContactCode.name);

  constructor(
    private readonly recipients: RecipientRepository,
    private readonly verifications: ContactVerificationRepository,
    private readonly channels: NotificationChannels,
    private readonly config: NotificationConfig,
  ) {}

  /** A new code for the person's current contact on the channel, on their request. */
  async resend(person: Person, channel: ContactChannel, now: Date = new Date()): Promise<VerificationView> {
    const value = requireContact(await this.recipients.find(person.role, person.id), channel);
    const state = stateFor(await this.verifications.find(person, channel), value);
    if (state.verifiedAt) throw new ContactVerificationError(Code.AlreadyVerified, 'This contact is verified already');
    return verificationView(await this.send(person, channel, state, now), now, verificationRules(this.config));
  }

  /**
   * The person set this contact: a new value starts unverified, and gets a code when one may be sent
   * now. The change itself stands whatever happens to the code (rate limited, channel off, provider
   * down): the person sees the state and asks again. Setting the same value again changes nothing.
   */
  async contactSet(person: Person, channel: ContactChannel, value: string, now: Date = new Date()): Promise<void> {
    const stored = await this.verifications.find(person, channel);
    if (stored?.value === value) return;
    const state = stateFor(stored, value);
    try {
      await this.send(person, channel, state, now);
    } catch (error) {
      if (!(error instanceof ContactVerificationError)) throw error;
      // Refused before any code was recorded: the new value is still recorded, unverified. (A failed send was recorded before it.)
      if (NOT_RECORDED.has(error.code)) await this.verifications.save(person, channel, state, now);
      this.logger.warn({ message: 'no verification code sent for a changed contact', channel, reason: error.code });
    }
  }

  private async send(person: Person, channel: ContactChannel, state: ContactVerification, now: Date): Promise<ContactVerification> {
    const rules = verificationRules(this.config);
    const adapter = this.channels.get(channel);
    if (!adapter.available) throw new ContactVerificationError(Code.ChannelUnavailable, `${channel} is not available on this platform`);
    assertMaySend(state, now, rules);
    const code = newCode();
    const next = withNewCode(state, await sealCode(code, codeBinding(person, channel, state.value)), now, rules);
    if (!(await this.verifications.save(person, channel, next, now)))
      throw new ContactVerificationError(Code.Conflict, 'The contact changed at the same moment; try again');
    const stored = { ...next, revision: next.revision + 1 };
    try {
      await adapter.send({
        to: state.value,
        message: renderContactCode(code, this.config.CONTACT_CODE_TTL_MINUTES, { appHost: this.config.APP_HOST, appScheme: this.config.APP_SCHEME }),
        deliveryId: `contact-code:${ContactVerificationRepository.idOf(person, channel)}:${stored.revision}`,
        template: CONTACT_CODE_TEMPLATE,
      });
    } catch (error) {
      const failure = ChannelError.of(error, 'SEND_FAILED');
      this.logger.warn({ message: 'verification code not sent', channel, reason: failure.code });
      if (failure.permanent) throw new ContactVerificationError(Code.Unreachable, `The ${channel} provider refused this contact`, { reason: failure.code });
      throw new ContactVerificationError(
        Code.SendFailed,
        'The code could not be sent; ask again later',
        { reason: failure.code },
        nextSendAt(stored, now, rules),
      );
    }
    return stored;
  }
}

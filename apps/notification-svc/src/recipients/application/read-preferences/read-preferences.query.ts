import { Injectable } from '@nestjs/common';
import { NotificationConfig } from '../../../config/notification.config.js';
import { CONTACT_CHANNELS, type ContactChannel, type VerificationView, contactOf, stateFor, verificationView } from '../../domain/contact-verification.js';
import type { Person, RecipientPreferences } from '../../domain/preferences.js';
import { ContactVerificationRepository } from '../../infrastructure/contact-verification.repository.js';
import { RecipientRepository } from '../../infrastructure/recipient.repository.js';
import { verificationRules } from '../verification-rules.js';

/** A person's preferences as they see them: with each contact's verification state. */
export type PreferencesView = RecipientPreferences & { contactVerification: Partial<Record<ContactChannel, VerificationView>> };

@Injectable()
export class ReadPreferences {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly verifications: ContactVerificationRepository,
    private readonly config: NotificationConfig,
  ) {}

  async execute(person: Person): Promise<PreferencesView> {
    return this.view(person, await this.recipients.find(person.role, person.id));
  }

  async view(person: Person, preferences: RecipientPreferences, now: Date = new Date()): Promise<PreferencesView> {
    const stored = await this.verifications.findAll(person);
    const rules = verificationRules(this.config);
    const contactVerification: PreferencesView['contactVerification'] = {};
    for (const channel of CONTACT_CHANNELS) {
      const value = contactOf(preferences, channel);
      if (value) contactVerification[channel] = verificationView(stateFor(stored[channel], value), now, rules);
    }
    return { ...preferences, contactVerification };
  }
}

import { Injectable } from '@nestjs/common';
import { CONTACT_CHANNELS, contactOf } from '../../domain/contact-verification.js';
import { type Person, type RecipientPreferences, mergePreferences } from '../../domain/preferences.js';
import { RecipientRepository } from '../../infrastructure/recipient.repository.js';
import { type PreferencesView, ReadPreferences } from '../read-preferences/read-preferences.query.js';
import { SendContactCode } from '../send-contact-code/send-contact-code.use-case.js';

/** A person changes their own preferences; an email or phone they set is unverified until they enter the code sent to it. */
@Injectable()
export class ChangePreferences {
  constructor(
    private readonly recipients: RecipientRepository,
    private readonly codes: SendContactCode,
    private readonly read: ReadPreferences,
  ) {}

  async execute(person: Person, change: Partial<RecipientPreferences>): Promise<PreferencesView> {
    const next = mergePreferences(await this.recipients.find(person.role, person.id), change);
    await this.recipients.save(person.role, person.id, next);
    for (const channel of CONTACT_CHANNELS) {
      const value = contactOf(change, channel);
      if (value !== undefined) await this.codes.contactSet(person, channel, value);
    }
    return this.read.view(person, next);
  }
}

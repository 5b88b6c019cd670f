/** How and where a person wants to hear from the platform (the spec's notificationPreferences, plus contacts). */
export interface RecipientPreferences {
  email?: string;
  phone?: string;
  pushTokens: string[];
  locale: string;
  channels: { email: boolean; push: boolean; sms: boolean };
  quietHours: { enabled: boolean; start?: string; end?: string; timezone?: string };
  frequency: { newBookingRequest: 'immediate' | 'hourly' | 'daily'; expiringReminder: boolean };
}

export type Channel = 'email' | 'push' | 'sms';

/** Whose preferences: a patient or a provider, by id. */
export interface Person {
  role: 'patient' | 'provider';
  id: string;
}

/** The spec's defaults: email and push on, SMS off, no quiet hours, new requests at once. */
export const DEFAULT_PREFERENCES: RecipientPreferences = {
  pushTokens: [],
  locale: 'en',
  channels: { email: true, push: true, sms: false },
  quietHours: { enabled: false },
  frequency: { newBookingRequest: 'immediate', expiringReminder: true },
};

/** The channels a message goes out on: those the person turned on and can be reached by. */
export function channelsFor(preferences: RecipientPreferences): Channel[] {
  const channels: Channel[] = [];
  if (preferences.channels.email && preferences.email) channels.push('email');
  if (preferences.channels.push && preferences.pushTokens.length > 0) channels.push('push');
  if (preferences.channels.sms && preferences.phone) channels.push('sms');
  return channels;
}

/** Where a message on a channel goes: the email address, every registered device, or the phone number from the person's contacts. */
export function addressesFor(preferences: RecipientPreferences, channel: Channel): string[] {
  if (channel === 'push') return preferences.pushTokens;
  const address = channel === 'email' ? preferences.email : preferences.phone;
  return address ? [address] : [];
}

/** A change to one's preferences: given fields replace, nested objects merge. */
export function mergePreferences(current: RecipientPreferences, change: Partial<RecipientPreferences>): RecipientPreferences {
  return {
    ...current,
    ...change,
    channels: { ...current.channels, ...change.channels },
    quietHours: { ...current.quietHours, ...change.quietHours },
    frequency: { ...current.frequency, ...change.frequency },
  };
}

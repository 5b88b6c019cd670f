import { type Static, Type } from '@sinclair/typebox';
import { DateTime, Integer, Nullable, OneOf, Ref } from './json-schema.js';

const Optional = Type.Optional;

/** Whether a contact (email, sms: the phone) is verified; nothing but its code is sent to one that is not. */
export const ContactVerificationStateContract = Type.Object({
  status: OneOf(['verified', 'pending', 'unverified'], { description: 'pending: a code is out and may be entered' }),
  verifiedAt: Optional(DateTime()),
  codeExpiresAt: Optional(DateTime()),
  attemptsLeft: Optional(Integer()),
  resendAvailableAt: Optional(DateTime({ description: 'From when a new code may be asked for' })),
});

export const ContactVerificationContract = Type.Intersect([
  Type.Object({ channel: OneOf(['email', 'sms']) }),
  Ref('ContactVerificationState', ContactVerificationStateContract),
]);

export const NotificationPreferencesContract = Type.Object({
  email: Optional(Type.String()),
  phone: Optional(Type.String()),
  pushTokens: Type.Array(Type.String()),
  locale: Type.String(),
  channels: Type.Object({ email: Type.Boolean(), push: Type.Boolean(), sms: Type.Boolean() }),
  // A client may clear a field with null (the request allows it), and it is stored as sent.
  quietHours: Type.Object({
    enabled: Type.Boolean(),
    start: Optional(Nullable(Type.String())),
    end: Optional(Nullable(Type.String())),
    timezone: Optional(Nullable(Type.String())),
  }),
  frequency: Type.Object({ newBookingRequest: OneOf(['immediate', 'hourly', 'daily']), expiringReminder: Type.Boolean() }),
  contactVerification: Type.Object(
    {
      email: Optional(Ref('ContactVerificationState', ContactVerificationStateContract)),
      sms: Optional(Ref('ContactVerificationState', ContactVerificationStateContract)),
    },
    { description: 'Each contact set (email, sms: the phone) and whether it is verified; nothing but its code is sent to one that is not' },
  ),
});

export const NotificationDevicesContract = Type.Object({
  pushTokens: Type.Array(Type.String(), { description: 'FCM registration tokens, oldest first' }),
});

export const BookingNotificationsContract = Type.Array(
  Type.Object({
    id: Type.String(),
    channel: OneOf(['email', 'push', 'sms', 'digest']),
    template: Type.String(),
    recipientRole: OneOf(['patient', 'provider']),
    status: OneOf(['deferred', 'retrying', 'sending', 'sent', 'failed', 'skipped', 'collecting']),
    attempts: Integer(),
    createdAt: Optional(DateTime()),
    notBefore: Optional(DateTime({ description: 'When a held, retrying or collecting delivery goes out' })),
    sentAt: Optional(DateTime()),
    failedAt: Optional(DateTime()),
    lastErrorCode: Optional(Type.String({ description: 'The channel’s stable reason, like UNREGISTERED or TWILIO_21211' })),
    skippedReason: Optional(Type.String({ description: 'Why a skipped delivery was not sent: CONTACT_UNVERIFIED' })),
  }),
);

export type ContactVerificationStateView = Static<typeof ContactVerificationStateContract>;
export type ContactVerificationView = Static<typeof ContactVerificationContract>;
export type NotificationPreferencesView = Static<typeof NotificationPreferencesContract>;
export type NotificationDevicesView = Static<typeof NotificationDevicesContract>;
export type BookingNotificationsView = Static<typeof BookingNotificationsContract>;

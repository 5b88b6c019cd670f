import { IsIn, Matches } from 'class-validator';

/** The contacts that are verified with a one-time code: the email address and the phone (SMS). */
export const VERIFIABLE_CONTACT_CHANNELS = ['email', 'sms'] as const;
export type VerifiableContactChannel = (typeof VERIFIABLE_CONTACT_CHANNELS)[number];

/** Asks for a new code for the caller's own contact on a channel. */
export class ContactCodeRequest {
  @IsIn(VERIFIABLE_CONTACT_CHANNELS)
  channel: VerifiableContactChannel;
}

/** Confirms the caller's own contact on a channel with the code sent to it. */
export class VerifyContactRequest {
  @IsIn(VERIFIABLE_CONTACT_CHANNELS)
  channel: VerifiableContactChannel;

  /** The six digits sent to the contact. */
  @Matches(/^\d{6}$/, { message: 'code must be the six digits that were sent' })
  code: string;
}

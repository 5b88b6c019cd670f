import type { TemplateKey } from './notification-types.js';

/** One notification's texts in one language. `{placeholders}` are filled by render(). */
export interface MessageTexts {
  subject: string;
  body: string;
  push: { title: string; body: string };
  sms: string;
}

/**
 * English texts, keyed by recipient role and template. Another language is another file with the same
 * keys (render() falls back to English for a missing one). Placeholders: {bookingNumber}, {when} (the
 * appointment in the recipient's zone), {deadline}, {amount}, {link}.
 */
export const EN: Record<'patient' | 'provider', Partial<Record<TemplateKey, MessageTexts>>> = {
  patient: {
    confirmation_request_received: {
      subject: 'Booking request sent: {bookingNumber}',
      body: 'Your request for {when} has been sent. The provider has until {deadline} to confirm; your card is only authorised, not charged, until then.\n\nView your request: {link}',
      push: { title: 'Request sent', body: 'Waiting for the provider to confirm {when}' },
      sms: 'Booking request {bookingNumber} for {when} sent. We will let you know when the provider answers. {link}',
    },
    booking_confirmed: {
      subject: 'Your booking is confirmed: {bookingNumber}',
      body: 'Your appointment on {when} is confirmed.\n\nView your booking: {link}',
      push: { title: 'Booking confirmed', body: 'Your appointment on {when} is confirmed' },
      sms: 'Booking {bookingNumber} confirmed for {when}. {link}',
    },
    reschedule_proposed: {
      subject: 'A new time was proposed for {bookingNumber}',
      body: 'The provider proposed {when} instead. Please accept or decline by {deadline}.\n\nRespond: {link}',
      push: { title: 'New time proposed', body: 'Can you make {when}? Please answer by {deadline}' },
      sms: 'New time proposed for booking {bookingNumber}: {when}. Answer by {deadline}: {link}',
    },
    booking_declined: {
      subject: 'Booking request declined: {bookingNumber}',
      body: 'The provider could not take your request for {when}. The authorisation on your card has been released.\n\nFind another time: {link}',
      push: { title: 'Request declined', body: 'The provider could not take {when}; your card hold is released' },
      sms: 'Booking request {bookingNumber} was declined; your card hold is released. {link}',
    },
    request_expired: {
      subject: 'Booking request expired: {bookingNumber}',
      body: 'The provider did not answer your request for {when} in time. The authorisation on your card has been released.\n\nFind another time: {link}',
      push: { title: 'Request expired', body: 'No answer in time for {when}; your card hold is released' },
      sms: 'Booking request {bookingNumber} expired; your card hold is released. {link}',
    },
    reschedule_expired: {
      subject: 'Booking cancelled: no answer to the new time ({bookingNumber})',
      body: 'You did not answer the new time the provider proposed in time, so the booking for {when} is cancelled. The authorisation on your card has been released.\n\nFind another time: {link}',
      push: { title: 'Booking cancelled', body: 'No answer to the new time in time; your card hold is released' },
      sms: 'Booking {bookingNumber} is cancelled: the new time was not answered in time. Your card hold is released. {link}',
    },
    hold_lapsed: {
      subject: 'Booking request ended: {bookingNumber}',
      body: 'The authorisation on your card for {when} ran out before the booking could be completed, so the request has ended and nothing was charged.\n\nBook again: {link}',
      push: { title: 'Request ended', body: 'Your card authorisation for {when} ran out; nothing was charged' },
      sms: 'Booking request {bookingNumber} ended: the card authorisation ran out, nothing was charged. {link}',
    },
    booking_cancelled: {
      subject: 'Booking cancelled: {bookingNumber}',
      body: 'Your appointment on {when} has been cancelled. Any payment is refunded in full.\n\nDetails: {link}',
      push: { title: 'Booking cancelled', body: 'Your appointment on {when} was cancelled' },
      sms: 'Booking {bookingNumber} on {when} was cancelled; any payment is refunded. {link}',
    },
    payment_failed: {
      subject: 'Payment needed for {bookingNumber}',
      body: 'We could not take the payment for the booking on {when}. Please try again or use another card by {deadline}, or the time is released.\n\nRetry: {link}',
      push: { title: 'Payment failed', body: 'Please update your card to keep {when}' },
      sms: 'Payment for booking {bookingNumber} failed. Retry: {link}',
    },
    payment_action_required: {
      subject: 'Confirm your payment for {bookingNumber}',
      body: 'Your bank asks you to confirm the payment for {when}. Open the app and confirm it by {deadline}, or the time is released.\n\nConfirm: {link}',
      push: { title: 'Confirm your payment', body: 'Your bank asks you to confirm the payment for {when}' },
      sms: 'Confirm the payment for booking {bookingNumber} by {deadline} in the app: {link}',
    },
    payment_lapsed: {
      subject: 'Booking released: {bookingNumber}',
      body: 'The payment for {when} was not completed in time, so the time has been released and nothing was charged.\n\nBook again: {link}',
      push: { title: 'Booking released', body: 'The payment for {when} was not completed in time' },
      sms: 'Booking {bookingNumber} was released: the payment was not completed in time. {link}',
    },
    refund_issued: {
      subject: 'Refund issued: {bookingNumber}',
      body: 'We refunded {amount} for booking {bookingNumber}. It can take 5–10 days to reach your account.\n\nDetails: {link}',
      push: { title: 'Refund issued', body: '{amount} is on its way back to you' },
      sms: 'Refund of {amount} issued for booking {bookingNumber}. {link}',
    },
    reminder_24h: {
      subject: 'Reminder: your appointment tomorrow ({bookingNumber})',
      body: 'Your appointment is on {when}.\n\nView your booking: {link}',
      push: { title: 'Appointment tomorrow', body: 'See you on {when}' },
      sms: 'Reminder: appointment {bookingNumber} on {when}. {link}',
    },
    reminder_1h: {
      subject: 'Your appointment starts in one hour ({bookingNumber})',
      body: 'Your appointment starts at {when}.\n\nView your booking: {link}',
      push: { title: 'Starting in one hour', body: 'Your appointment starts at {when}' },
      sms: 'Your appointment {bookingNumber} starts at {when}. {link}',
    },
  },
  provider: {
    new_request: {
      subject: 'New booking request - action required: {bookingNumber}',
      body: 'A patient asked for {when}. Please confirm, decline or propose another time by {deadline}.\n\nRespond: {link}',
      push: { title: 'New booking request', body: 'Please answer by {deadline}' },
      sms: 'New booking request {bookingNumber} for {when}. Answer by {deadline}: {link}',
    },
    new_booking: {
      subject: 'New booking: {bookingNumber}',
      body: 'A patient booked {when}. It is in your calendar.\n\nDetails: {link}',
      push: { title: 'New booking', body: 'Booked for {when}' },
      sms: 'New booking {bookingNumber} for {when}. {link}',
    },
    expiring_warning: {
      subject: 'Request expires soon: {bookingNumber}',
      body: 'The request for {when} expires at {deadline}. Please answer before then, or it lapses and the patient is released.\n\nRespond: {link}',
      push: { title: 'Request expires soon', body: 'Answer before {deadline}' },
      sms: 'Booking request {bookingNumber} expires at {deadline}. Respond: {link}',
    },
    patient_cancelled: {
      subject: 'Patient cancelled: {bookingNumber}',
      body: 'The patient cancelled the appointment on {when}. The time is free again.\n\nDetails: {link}',
      push: { title: 'Booking cancelled', body: 'The patient cancelled {when}' },
      sms: 'Booking {bookingNumber} on {when} was cancelled by the patient. {link}',
    },
    reschedule_accepted: {
      subject: 'New time accepted: {bookingNumber}',
      body: 'The patient accepted {when}.\n\nDetails: {link}',
      push: { title: 'New time accepted', body: 'The patient will come on {when}' },
      sms: 'Booking {bookingNumber}: the patient accepted {when}. {link}',
    },
    reschedule_declined: {
      subject: 'New time declined: {bookingNumber}',
      body: 'The patient declined the time you proposed, and the booking is cancelled. The time is free again.\n\nDetails: {link}',
      push: { title: 'New time declined', body: 'The booking {bookingNumber} is cancelled' },
      sms: 'Booking {bookingNumber}: the patient declined the new time; it is cancelled. {link}',
    },
    reminder_24h: {
      subject: 'Tomorrow: appointment {bookingNumber}',
      body: 'You have an appointment on {when}.\n\nDetails: {link}',
      push: { title: 'Appointment tomorrow', body: '{when}' },
      sms: 'Reminder: appointment {bookingNumber} on {when}. {link}',
    },
    request_expired: {
      subject: 'Request expired: {bookingNumber}',
      body: 'The request for {when} expired without an answer. Faster answers keep your response badge.\n\nDetails: {link}',
      push: { title: 'Request expired', body: 'The request for {when} lapsed' },
      sms: 'Booking request {bookingNumber} expired without an answer. {link}',
    },
    reschedule_expired: {
      subject: 'New time not answered: {bookingNumber}',
      body: 'The patient did not answer the time you proposed in time, so the booking is cancelled. Both times are free again.\n\nDetails: {link}',
      push: { title: 'New time not answered', body: 'The booking {bookingNumber} is cancelled' },
      sms: 'Booking {bookingNumber}: the patient did not answer the new time; it is cancelled. {link}',
    },
    hold_lapsed: {
      subject: 'Request ended: {bookingNumber}',
      body: 'The patient’s card authorisation for {when} ran out before the booking could be completed, so the request has ended. The time is free again.\n\nDetails: {link}',
      push: { title: 'Request ended', body: 'The card authorisation for {when} ran out' },
      sms: 'Booking request {bookingNumber} ended: the card authorisation ran out. {link}',
    },
    payment_failed: {
      subject: 'Payment failed: {bookingNumber}',
      body: 'The payment for the booking on {when} did not go through. The patient has until {deadline} to pay; otherwise the booking is released and the time is free again.\n\nDetails: {link}',
      push: { title: 'Payment failed', body: 'The patient has until {deadline} to pay for {when}' },
      sms: 'Booking {bookingNumber}: the payment failed; the patient has until {deadline} to pay. {link}',
    },
  },
};

/**
 * A provider's hourly or daily digest of new requests. Placeholders: {count}, {link} (the provider's
 * list of bookings); {items} is one line per request, each from `item` ({bookingNumber}, {when},
 * {deadline}, {link} of that booking).
 */
export const EN_DIGEST = {
  subject: '{count} new booking requests - action required',
  body: 'You have {count} new booking requests waiting for your answer:\n\n{items}\n\nSee them all: {link}',
  item: '- {bookingNumber}: {when}, answer by {deadline}: {link}',
  push: { title: '{count} new booking requests', body: 'Please confirm, decline or propose another time' },
  sms: '{count} new booking requests are waiting for your answer: {link}',
};

/**
 * The one message an unverified contact gets: its one-time code, saying what it is for and that
 * nothing else follows unless it is entered. No link (a code message with a link looks like phishing).
 * Placeholders: {code}, {minutes} (how long it is valid).
 */
export const EN_CONTACT_CODE = {
  subject: 'Confirm this email address for your booking notifications',
  body: 'Your verification code is {code}. Enter it in the app to receive booking notifications at this address. It is valid for {minutes} minutes.\n\nIf you did not ask for it, ignore this email: nothing else is sent to this address unless the code is entered.',
  push: { title: 'Verification code', body: 'Your verification code is {code}' },
  sms: 'Your booking notifications verification code is {code} (valid {minutes} min). If you did not ask for it, ignore this message.',
};

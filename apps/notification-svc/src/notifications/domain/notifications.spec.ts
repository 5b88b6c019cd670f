import { DateTime } from 'luxon';
import { PATIENT_TEMPLATES, PROVIDER_TEMPLATES, type PlannedNotification } from './notification-types.js';
import { type StatusChange, expiringWarningNotifications, notificationsFor, refundNotifications, reminderNotifications } from './notifications-for.js';
import { render } from './render.js';

const links = { appHost: 'app.example.health', appScheme: 'examplehealth' };
const base: StatusChange = {
  bookingId: 'b-42',
  bookingNumber: 'FH-20300310-7KQ2M',
  patientId: 'patient-1',
  providerId: 'provider-1',
  bookingType: 'request',
  status: 'pending_confirmation',
  previousStatus: 'pending_payment',
  reason: 'payment_held',
  startTime: '2030-03-10T16:00:00.000Z',
  providerTimezone: 'America/Denver',
  patientTimezone: 'Europe/Berlin',
  deadline: '2030-03-02T10:00:00.000Z',
  priceCents: 10_000,
  currency: 'usd',
};
const parties = { ...base };

/** Real events as booking-svc, payment-svc and scheduler-svc send them, and what each must notify. */
const cases: Array<[string, PlannedNotification[], string[]]> = [
  ['request held', notificationsFor(base), ['patient:confirmation_request_received', 'provider:new_request']],
  [
    'request confirmed',
    notificationsFor({ ...base, reason: 'payment_captured', status: 'confirmed', previousStatus: 'pending_confirmation' }),
    ['patient:booking_confirmed'],
  ],
  [
    'instant booking',
    notificationsFor({ ...base, bookingType: 'instant', reason: 'payment_captured', status: 'confirmed', previousStatus: 'pending_payment' }),
    ['patient:booking_confirmed', 'provider:new_booking'],
  ],
  ['declined', notificationsFor({ ...base, reason: 'declined', status: 'cancelled_provider' }), ['patient:booking_declined']],
  [
    'expired',
    notificationsFor({ ...base, reason: 'expired', status: 'expired', lapse: 'confirmation' }),
    ['patient:request_expired', 'provider:request_expired'],
  ],
  [
    'new time not answered',
    notificationsFor({ ...base, reason: 'expired', status: 'expired', lapse: 'reschedule_response' }),
    ['patient:reschedule_expired', 'provider:reschedule_expired'],
  ],
  [
    'card authorisation ran out',
    notificationsFor({ ...base, reason: 'expired', status: 'expired', lapse: 'payment_hold' }),
    ['patient:hold_lapsed', 'provider:hold_lapsed'],
  ],
  [
    'bank asks the patient to authenticate',
    notificationsFor({ ...base, reason: 'payment_action_required', status: 'pending_payment', previousStatus: 'pending_payment' }),
    ['patient:payment_action_required'],
  ],
  [
    'authentication not completed in time',
    notificationsFor({ ...base, reason: 'expired', status: 'expired', previousStatus: 'pending_payment', lapse: 'payment_action' }),
    ['patient:payment_lapsed'],
  ],
  [
    'time to pay ran out',
    notificationsFor({ ...base, reason: 'expired', status: 'expired', previousStatus: 'payment_failed', lapse: 'payment_retry' }),
    ['patient:payment_lapsed'],
  ],
  [
    'capture failed after the provider confirmed',
    notificationsFor({ ...base, reason: 'payment_failed', status: 'payment_failed', previousStatus: 'pending_confirmation' }),
    ['patient:payment_failed', 'provider:payment_failed'],
  ],
  ['auto-confirmed request held', notificationsFor({ ...base, autoConfirm: true }), []],
  [
    'auto-confirmed request paid',
    notificationsFor({ ...base, autoConfirm: true, reason: 'payment_captured', status: 'confirmed', previousStatus: 'pending_confirmation' }),
    ['patient:booking_confirmed', 'provider:new_booking'],
  ],
  ['reschedule proposed', notificationsFor({ ...base, reason: 'reschedule_proposed', status: 'reschedule_proposed' }), ['patient:reschedule_proposed']],
  ['reschedule accepted', notificationsFor({ ...base, reason: 'reschedule_accepted', status: 'reschedule_proposed' }), ['provider:reschedule_accepted']],
  ['reschedule declined', notificationsFor({ ...base, reason: 'reschedule_declined', status: 'cancelled_patient' }), ['provider:reschedule_declined']],
  ['patient cancelled', notificationsFor({ ...base, reason: 'cancelled', status: 'cancelled_patient' }), ['provider:patient_cancelled']],
  ['provider cancelled', notificationsFor({ ...base, reason: 'cancelled', status: 'cancelled_provider' }), ['patient:booking_cancelled']],
  [
    'payment failed',
    notificationsFor({ ...base, reason: 'payment_failed', status: 'payment_failed', previousStatus: 'pending_payment' }),
    ['patient:payment_failed'],
  ],
  ['refund', refundNotifications(parties, 5_000, 'usd'), ['patient:refund_issued']],
  ['reminder 24 h', reminderNotifications(parties, base.startTime, 24), ['patient:reminder_24h', 'provider:reminder_24h']],
  ['reminder 1 h', reminderNotifications(parties, base.startTime, 1), ['patient:reminder_1h']],
  ['expiring warning', expiringWarningNotifications(parties, base.deadline!), ['provider:expiring_warning']],
];

describe('notifications for real events', () => {
  it.each(cases)('%s notifies the right people', (_name, planned, expected) => {
    expect(planned.map((n) => `${n.recipient.role}:${n.template}`)).toEqual(expected);
  });

  it.each(cases.flatMap(([name, planned]) => planned.map((n) => [`${name} → ${n.recipient.role} ${n.template}`, n] as const)))(
    'renders %s with the booking, the recipient’s local time and its deep link',
    (_name, notification) => {
      const rendered = render(notification, links);
      for (const text of [rendered.subject, rendered.body, rendered.push.title, rendered.push.body, rendered.sms]) {
        expect(text).not.toMatch(/[{}]/);
        expect(text.trim().length).toBeGreaterThan(0);
      }
      expect(rendered.subject).toContain('FH-20300310-7KQ2M');
      const path = notification.template === 'reschedule_proposed' ? 'booking/b-42/reschedule' : 'booking/b-42';
      expect(rendered).toMatchObject({ link: `https://app.example.health/${path}`, appLink: `examplehealth://${path}` });
      expect(rendered.body).toContain(rendered.link);
      if (notification.facts.startTime && rendered.body.includes(' at ')) {
        // 16:00 UTC is 17:00 in Berlin, and 10:00 in Denver: 10 March 2030 is the day US daylight time starts.
        expect(rendered.body).toContain(notification.recipient.role === 'patient' ? '17:00 GMT+1' : '10:00 MDT');
      }
    },
  );

  it.each([
    ['Europe/Berlin', 'en', '2030-03-31T00:30:00.000Z'],
    ['Europe/Berlin', 'en', '2030-03-31T01:30:00.000Z'],
    ['America/Denver', 'en-US', '2030-11-03T08:30:00.000Z'],
    ['Australia/Lord_Howe', 'en-AU', '2030-04-06T15:15:00.000Z'],
    ['Asia/Kolkata', 'hi', '2030-07-01T12:00:00.000Z'],
    ['America/Sao_Paulo', 'pt-BR', '2030-01-15T18:45:00.000Z'],
    ['Europe/Moscow', 'ru', '2030-07-01T12:00:00.000Z'],
    ['Not/AZone', 'en', '2030-07-01T12:00:00.000Z'],
  ])('writes a time in %s (%s) exactly as luxon’s long format with the zone’s short name', (timezone, locale, startTime) => {
    const [notification] = notificationsFor({ ...base, startTime, patientTimezone: timezone });
    const expected = DateTime.fromISO(startTime, { zone: 'utc' }).setZone(timezone).setLocale(locale).toFormat("cccc d LLLL yyyy 'at' HH:mm ZZZZ");
    expect(render({ ...notification!, recipient: { ...notification!.recipient, timezone } }, links, locale).body).toContain(expected);
  });

  it('has English text for every template, and every template is sent by some event', () => {
    const sent = new Set(cases.flatMap(([, planned]) => planned.map((n) => `${n.recipient.role}:${n.template}`)));
    expect([...sent].sort()).toEqual([...PATIENT_TEMPLATES.map((t) => `patient:${t}`), ...PROVIDER_TEMPLATES.map((t) => `provider:${t}`)].sort());
  });

  it('shows amounts in the recipient’s currency and sends nothing for bookkeeping changes', () => {
    expect(render(refundNotifications(parties, 5_000, 'usd')[0]!, links).body).toContain('$50.00');
    for (const reason of ['created', 'payment_initiated', 'payment_refunded', 'payment_released', 'status_changed', 'completed'])
      expect(notificationsFor({ ...base, reason, status: 'confirmed' })).toEqual([]);
  });
});

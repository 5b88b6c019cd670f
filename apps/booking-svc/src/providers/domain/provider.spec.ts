import { BookingErrorCode } from '../../shared/domain/booking-error.js';
import { DEFAULT_BOOKING_SETTINGS } from './booking-settings.js';
import { EMPTY_BOOKING_STATS, responseTimeSummary } from '../../provider-stats/domain/booking-stats.js';
import { type DefineProviderInput, bookingMode, changeSettings, checkSchedule, checkServiceList, defineProvider, scheduleOf } from './provider.js';
import { publicProfile } from './provider-profile.js';

const input: DefineProviderInput = {
  id: 'provider-1',
  timezone: 'America/Denver',
  services: [{ id: 'consult', name: 'Consultation', category: 'therapy', durationMinutes: 50, priceCents: 12000 }],
  weeklyHours: {
    '1': [
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ],
  },
  overrides: [{ date: '2027-12-25', windows: [] }],
};

/** The problems listed by the validation error `run` throws. */
function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toMatchObject({ code: BookingErrorCode.ValidationFailed });
    return (error as { details: { problems: string[] } }).details.problems;
  }
  throw new Error('expected a validation error');
}

describe('defineProvider', () => {
  it('makes a new provider with default settings, empty stats and usd prices', () => {
    const provider = defineProvider(input);
    expect(provider).toEqual({
      id: 'provider-1',
      timezone: 'America/Denver',
      settings: DEFAULT_BOOKING_SETTINGS,
      schedule: { weeklyHours: input.weeklyHours, overrides: input.overrides },
      services: [{ ...input.services[0], currency: 'usd' }],
      calendarConnected: false,
      stats: EMPTY_BOOKING_STATS,
      version: 1,
    });
    expect(scheduleOf(provider)).toEqual({ timezone: 'America/Denver', weeklyHours: input.weeklyHours, overrides: input.overrides });
  });

  it('applies given settings over the defaults and stores currencies lowercase', () => {
    const provider = defineProvider({
      ...input,
      services: [{ ...input.services[0]!, currency: 'EUR', description: 'First visit' }],
      settings: { bufferMinutes: 10, autoConfirm: { enabled: true } },
    });
    expect(provider.settings).toMatchObject({ bufferMinutes: 10, autoConfirm: { enabled: true, maxDailyAutoConfirm: 10 }, slotDurationMinutes: 30 });
    expect(provider.services[0]).toMatchObject({ currency: 'eur', description: 'First visit' });
  });

  it('lists every problem of time zone, schedule, services and settings at once', () => {
    const problems = problemsOf(() =>
      defineProvider({
        ...input,
        id: 'no spaces allowed',
        timezone: 'Mars/Olympus_Mons',
        weeklyHours: {
          '2': [
            { start: '09:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        },
        services: [
          { id: 'a', name: '', category: 'therapy', durationMinutes: 7, priceCents: -1, currency: 'xyz' },
          { id: 'a', name: 'Long', category: 'therapy', durationMinutes: 485, priceCents: 10.5 },
        ],
        settings: { bufferMinutes: 90, confirmationDeadlineHours: 2, slotDurationMinutes: 33, autoConfirm: { maxDailyAutoConfirm: 0 } },
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'id must be 1–64 characters of A–Z, a–z, 0–9, . _ : -',
        'timezone: Mars/Olympus_Mons is not an IANA time zone',
        'weeklyHours.2: windows overlap',
        'services[0].name must not be empty',
        'services[0].durationMinutes must be a multiple of 5 from 5 to 480',
        'services[0].priceCents must be a whole number of cents, 0 or more',
        'services[0].currency must be an ISO 4217 code such as usd',
        'services[1].durationMinutes must be a multiple of 5 from 5 to 480',
        'services[1].priceCents must be a whole number of cents, 0 or more',
        'services: id a appears more than once',
        'settings.bufferMinutes must be an integer from 0 to 60',
        'settings.confirmationDeadlineHours must be an integer from 4 to 72',
        'settings.slotDurationMinutes must be a multiple of 5',
        'settings.autoConfirm.maxDailyAutoConfirm must be an integer from 1 to 100',
      ]),
    );
    expect(problems).toHaveLength(14);
  });

  it('accepts the bounds themselves', () => {
    const services = [
      { id: 'short', name: 'Check-in', category: 'c', durationMinutes: 5, priceCents: 0 },
      { id: 'long', name: 'Day', category: 'c', durationMinutes: 480, priceCents: 1 },
    ];
    const settings = { confirmationDeadlineHours: 72, minimumNoticeHours: 1, maximumAdvanceDays: 365, bufferMinutes: 60, cancellationFeePercent: 100 };
    expect(() => defineProvider({ ...input, services, settings })).not.toThrow();
  });
});

describe('changes to an existing provider', () => {
  it('changes settings partially, keeping the rest, and refuses out-of-bounds values', () => {
    const changed = changeSettings(DEFAULT_BOOKING_SETTINGS, { minimumNoticeHours: 2, autoConfirm: { maxDailyAutoConfirm: 5 }, bufferMinutes: undefined });
    expect(changed).toEqual({ ...DEFAULT_BOOKING_SETTINGS, minimumNoticeHours: 2, autoConfirm: { enabled: false, maxDailyAutoConfirm: 5 } });
    expect(problemsOf(() => changeSettings(DEFAULT_BOOKING_SETTINGS, { maximumAdvanceDays: 400, maxRescheduleAttempts: 0 }))).toEqual([
      'maximumAdvanceDays must be an integer from 7 to 365',
      'maxRescheduleAttempts must be an integer from 1 to 5',
    ]);
  });

  it('checks a replacement schedule with its time zone, and a replacement service list', () => {
    expect(problemsOf(() => checkSchedule({ timezone: 'Nowhere/Land', weeklyHours: {}, overrides: [] }))).toEqual([
      'timezone: Nowhere/Land is not an IANA time zone',
    ]);
    expect(problemsOf(() => checkServiceList([{ id: 'x', name: 'X', category: 'c', durationMinutes: 0, priceCents: 0 }]))).toEqual([
      'services[0].durationMinutes must be a multiple of 5 from 5 to 480',
    ]);
    expect(checkServiceList([])).toEqual([]);
  });
});

describe('bookingMode', () => {
  const provider = defineProvider(input);

  it('is instant with a connected calendar and request without one', () => {
    expect(bookingMode(provider)).toBe('request');
    expect(bookingMode({ ...provider, calendarConnected: true })).toBe('instant');
  });

  it('is what an admin fixed, whatever the calendar', () => {
    const fixed = { ...provider.settings, mode: 'request' as const, modeOverride: true };
    expect(bookingMode({ settings: fixed, calendarConnected: true })).toBe('request');
  });
});

describe('responseTimeSummary (the spec’s booking mode badge wording)', () => {
  it.each([
    [0, 'Usually responds within 1 hour'],
    [59, 'Usually responds within 1 hour'],
    [60, 'Usually responds within a few hours'],
    [179, 'Usually responds within a few hours'],
    [180, 'Usually responds within 12 hours'],
    [719, 'Usually responds within 12 hours'],
    [720, 'Usually responds within 24 hours'],
    [5000, 'Usually responds within 24 hours'],
  ])('%s minutes on average → %s', (avgResponseTimeMinutes, summary) => {
    expect(responseTimeSummary({ avgResponseTimeMinutes })).toBe(summary);
  });

  it('is null without data', () => {
    expect(responseTimeSummary(EMPTY_BOOKING_STATS)).toBeNull();
  });
});

describe('publicProfile', () => {
  it('shows the mode, services and response time, and nothing of the settings or counts', () => {
    const provider = {
      ...defineProvider({ ...input, displayName: '  Dr. Ana Ruiz, Family Medicine ' }),
      calendarConnected: true,
      stats: { ...EMPTY_BOOKING_STATS, totalRequests: 9, avgResponseTimeMinutes: 95 },
    };
    expect(publicProfile(provider, 'instant')).toEqual({
      id: 'provider-1',
      displayName: 'Dr. Ana Ruiz, Family Medicine',
      timezone: 'America/Denver',
      mode: 'instant',
      bookable: true,
      services: provider.services,
      responseTime: { summary: 'Usually responds within a few hours', avgResponseTimeMinutes: 95 },
    });
    expect(publicProfile(defineProvider(input), 'request')).toMatchObject({ displayName: null, responseTime: { summary: null, avgResponseTimeMinutes: null } });
  });

  it('says when the provider cannot be booked at all right now', () => {
    expect(publicProfile(defineProvider(input), undefined)).toMatchObject({ mode: null, bookable: false });
  });
});

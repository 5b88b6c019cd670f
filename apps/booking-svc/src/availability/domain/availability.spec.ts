import { DateTime } from 'luxon';
import type { Schedule } from '../../providers/domain/schedule.js';
import { type AvailabilityRequest, availableSlots } from './availability.js';

/** A UTC instant as Denver's wall clock shows it (what a client renders with the answer's providerTimezone). */
const inDenver = (iso: string | undefined) =>
  DateTime.fromISO(iso ?? '', { zone: 'utc' })
    .setZone('America/Denver')
    .toISO();

const denver = (weeklyHours: Schedule['weeklyHours'], overrides: Schedule['overrides'] = []): Schedule => ({
  timezone: 'America/Denver',
  weeklyHours,
  overrides,
});

function request(overrides: Partial<AvailabilityRequest>): AvailabilityRequest {
  return {
    schedule: denver({ '1': [{ start: '09:00', end: '12:00' }] }),
    settings: { minimumNoticeHours: 1, maximumAdvanceDays: 365, bufferMinutes: 0, slotDurationMinutes: 30 },
    serviceDurationMinutes: 60,
    fromDate: '2027-03-15',
    toDate: '2027-03-15',
    busy: [],
    now: new Date('2027-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe('availableSlots', () => {
  it('on the spring-forward day in Denver neither invents nor repeats an hour', () => {
    // 2027-03-14 (Sunday): 02:00 MST jumps to 03:00 MDT. Working 00:00–05:00 local is four real hours.
    const slots = availableSlots(request({ schedule: denver({ '7': [{ start: '00:00', end: '05:00' }] }), fromDate: '2027-03-14', toDate: '2027-03-14' }));
    expect(slots.map((s) => s.start)).toEqual([
      '2027-03-14T07:00:00.000Z',
      '2027-03-14T07:30:00.000Z',
      '2027-03-14T08:00:00.000Z',
      '2027-03-14T08:30:00.000Z',
      '2027-03-14T09:00:00.000Z',
      '2027-03-14T09:30:00.000Z',
      '2027-03-14T10:00:00.000Z',
    ]);
    expect(slots.map((s) => inDenver(s.start))).toEqual([
      '2027-03-14T00:00:00.000-07:00',
      '2027-03-14T00:30:00.000-07:00',
      '2027-03-14T01:00:00.000-07:00',
      '2027-03-14T01:30:00.000-07:00',
      '2027-03-14T03:00:00.000-06:00',
      '2027-03-14T03:30:00.000-06:00',
      '2027-03-14T04:00:00.000-06:00',
    ]);
    // The slot across the jump lasts one real hour: 01:30 MST to 03:30 MDT on the wall clock.
    expect(inDenver(slots[3]?.end)).toBe('2027-03-14T03:30:00.000-06:00');
  });

  it('on the fall-back day in Denver offers both 01:00s, each once', () => {
    // 2027-11-07 (Sunday): 02:00 MDT falls back to 01:00 MST. Working 00:00–05:00 local is six real hours.
    const slots = availableSlots(request({ schedule: denver({ '7': [{ start: '00:00', end: '05:00' }] }), fromDate: '2027-11-07', toDate: '2027-11-07' }));
    expect(slots).toHaveLength(11);
    expect(slots[0]?.start).toBe('2027-11-07T06:00:00.000Z');
    expect(slots.at(-1)?.start).toBe('2027-11-07T11:00:00.000Z');
    const local = slots.map((s) => inDenver(s.start));
    expect(local).toContain('2027-11-07T01:00:00.000-06:00');
    expect(local).toContain('2027-11-07T01:00:00.000-07:00');
    expect(new Set(slots.map((s) => s.start)).size).toBe(slots.length);
  });

  it('gives each slot in UTC, lasting the service', () => {
    const [first] = availableSlots(request({}));
    // 09:00 in Denver, already on daylight time (UTC−6) since the 14th.
    expect(first).toEqual({ start: '2027-03-15T15:00:00.000Z', end: '2027-03-15T16:00:00.000Z' });
  });

  it('keeps a booked interval and its buffer clear, on both sides', () => {
    // Busy 10:00–10:30 local plus a 15-minute buffer; the new slot's own buffer applies too.
    const slots = availableSlots(
      request({
        settings: { minimumNoticeHours: 1, maximumAdvanceDays: 365, bufferMinutes: 15, slotDurationMinutes: 15 },
        serviceDurationMinutes: 30,
        busy: [{ start: Date.parse('2027-03-15T16:00:00Z'), end: Date.parse('2027-03-15T16:45:00Z') }],
      }),
    );
    const local = slots.map((s) => inDenver(s.start)!.slice(11, 16));
    expect(local).toEqual(['09:00', '09:15', '10:45', '11:00', '11:15', '11:30']);
  });

  it('honours minimum notice and maximum advance', () => {
    const now = new Date('2027-03-15T14:30:00Z'); // 08:30 in Denver
    const notice = availableSlots(request({ now, settings: { minimumNoticeHours: 2, maximumAdvanceDays: 365, bufferMinutes: 0, slotDurationMinutes: 30 } }));
    expect(notice.map((s) => inDenver(s.start)!.slice(11, 16))).toEqual(['10:30', '11:00']);
    const advance = availableSlots(
      request({ now: new Date('2027-03-01T00:00:00Z'), settings: { minimumNoticeHours: 1, maximumAdvanceDays: 7, bufferMinutes: 0, slotDurationMinutes: 30 } }),
    );
    expect(advance).toEqual([]);
  });

  it('offers a slot across midnight when the provider works on both sides of it', () => {
    const schedule = denver({ '1': [{ start: '23:00', end: '24:00' }], '2': [{ start: '00:00', end: '01:00' }] });
    const slots = availableSlots(request({ schedule, fromDate: '2027-03-15', toDate: '2027-03-16' }));
    expect(slots.map((s) => inDenver(s.start)!.slice(11, 16))).toEqual(['23:00', '23:30', '00:00']);
  });

  it('applies date overrides: a day off, and different hours on a day that is normally off', () => {
    const schedule = denver({ '1': [{ start: '09:00', end: '12:00' }] }, [
      { date: '2027-03-15', windows: [] },
      { date: '2027-03-16', windows: [{ start: '13:00', end: '14:00' }] },
    ]);
    const slots = availableSlots(request({ schedule, fromDate: '2027-03-15', toDate: '2027-03-16' }));
    expect(slots.map((s) => inDenver(s.start))).toEqual(['2027-03-16T13:00:00.000-06:00']);
  });
});

import { DateTime } from 'luxon';

interface BookingTimes {
  dateTime?: { requestedStart?: string; requestedEnd?: string; confirmedStart?: string; confirmedEnd?: string };
}

/** Adds the booking's times in the caller's X-Timezone (`localTimes`), next to the UTC ones. */
export function withLocalTimes<T>(booking: T, zone: string | undefined): T {
  const times = (booking as BookingTimes).dateTime;
  if (!zone || !times) return booking;
  const start = times.confirmedStart ?? times.requestedStart;
  const end = times.confirmedEnd ?? times.requestedEnd;
  const local = (iso: string | undefined) => (iso ? DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toISO() : undefined);
  return { ...booking, localTimes: { timezone: zone, start: local(start), end: local(end) } };
}

/** The same for every booking of a list page. */
export function pageWithLocalTimes<T>(page: { items: T[]; nextCursor?: string | null }, zone: string | undefined) {
  return { ...page, items: page.items.map((item) => withLocalTimes(item, zone)) };
}

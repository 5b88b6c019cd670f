/**
 * The availability read model: for each provider and UTC day, the time its holds take (bookings,
 * reservations, reschedule proposals), as one small document whose entries are a single JSON string.
 * A 60-day availability answer reads the two or three months' day documents by one indexed equality
 * each, instead of every booking of the provider; the engine decodes a few dozen short strings rather
 * than a thousand documents.
 *
 * Entries are written from the state of the document that owns the hold (a reservation or a booking),
 * each carrying that document's version: an entry is only ever replaced by a newer version, so a late,
 * repeated projection of an older state cannot undo a newer one. An entry that no longer takes time
 * stays for a while as `gone`, for the same reason. (A newer version that takes the same time is not
 * written; projections of one document run one at a time under its outbox claim, so an older state
 * can only arrive late if a relay stalled past its claim, and the owner's next change corrects it.)
 */

/** One hold's time: [start, end) in epoch ms, `end` including the buffer, lapsing at `expiresAt` (0: never). */
export interface BusyEntry {
  /** The hold's identity in its owner: `r:<reservationId>`, `b:<holdId>`, `p:<holdId>`. */
  key: string;
  start: number;
  end: number;
  expiresAt: number;
  /** Version of the owning document this entry was written from. */
  version: number;
  /** When the hold stopped taking time (0: it still does). */
  goneAt: number;
}

/** A change to one provider's busy days: entries to put (by key), on the day of their start. */
export interface BusyUpdate {
  providerId: string;
  entries: BusyEntry[];
}

/** How long a lapsed or gone entry is kept, so that an older projection arriving late still finds it. */
export const BUSY_TOMBSTONE_MS = 60 * 60_000;

const DAY_MS = 86_400_000;

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function busyDayId(providerId: string, day: string): string {
  return `${providerId}|${day}`;
}

export function busyMonthKey(providerId: string, month: string): string {
  return `${providerId}|${month}`;
}

/** The UTC months (YYYY-MM) of the days that hold entries starting in [fromMs, toMs). */
export function monthsCovering(fromMs: number, toMs: number): string[] {
  const months: string[] = [];
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) {
    const month = utcDay(day).slice(0, 7);
    if (months.at(-1) !== month) months.push(month);
  }
  return months;
}

type EncodedEntry = [key: string, start: number, end: number, expiresAt: number, version: number, goneAt: number];

export function encodeEntries(entries: BusyEntry[]): string {
  return JSON.stringify(entries.map((e): EncodedEntry => [e.key, e.start, e.end, e.expiresAt, e.version, e.goneAt]));
}

export function decodeEntries(encoded: string | undefined): BusyEntry[] {
  if (!encoded) return [];
  return (JSON.parse(encoded) as EncodedEntry[]).map(([key, start, end, expiresAt, version, goneAt]) => ({ key, start, end, expiresAt, version, goneAt }));
}

/**
 * The day's entries with `updates` applied: an update replaces the entry of its key only when it comes
 * from a newer version; lapsed and gone entries older than the tombstone period are dropped. Returns
 * undefined when nothing changed (the caller then writes nothing).
 */
export function applyBusyUpdates(current: BusyEntry[], updates: BusyEntry[], now: number): BusyEntry[] | undefined {
  const byKey = new Map(current.map((e) => [e.key, e]));
  let changed = false;
  for (const update of updates) {
    const existing = byKey.get(update.key);
    if (existing && (existing.version >= update.version || sameTime(existing, update))) continue;
    byKey.set(update.key, update);
    changed = true;
  }
  const kept = [...byKey.values()].filter((e) => !isStale(e, now));
  if (kept.length !== byKey.size) changed = true;
  return changed ? kept.sort((a, b) => a.start - b.start) : undefined;
}

/** A newer version that takes the same time changes nothing a reader sees: not worth a write. */
function sameTime(a: BusyEntry, b: BusyEntry): boolean {
  return a.start === b.start && a.end === b.end && a.expiresAt === b.expiresAt && a.goneAt === b.goneAt;
}

function isStale(entry: BusyEntry, now: number): boolean {
  if (entry.goneAt > 0) return entry.goneAt < now - BUSY_TOMBSTONE_MS;
  return entry.expiresAt > 0 && entry.expiresAt < now - BUSY_TOMBSTONE_MS;
}

/**
 * What a reader needs of a day's entries, compact: [start, end, expiresAt (0: never)] of those that take
 * or may still take time (not gone, not lapsed at `now`). Stored beside the entries on every write, so
 * availability reads a third of the bytes.
 */
export function encodeBusy(entries: BusyEntry[], now: number): string {
  return JSON.stringify(entries.filter((e) => isBusy(e, now)).map((e) => [e.start, e.end, e.expiresAt]));
}

/** Whether the entry takes time at `now`. */
export function isBusy(entry: BusyEntry, now: number): boolean {
  return entry.goneAt === 0 && (entry.expiresAt === 0 || entry.expiresAt > now);
}

/** An entry that takes [start, end) until `expiresAt` (undefined: for good). */
export function busyEntry(key: string, start: Date, end: Date, version: number, expiresAt?: Date): BusyEntry {
  return { key, start: start.getTime(), end: end.getTime(), expiresAt: expiresAt?.getTime() ?? 0, version, goneAt: 0 };
}

/** The same hold, no longer taking time (kept as a tombstone on the day of `start`). */
export function goneEntry(key: string, start: Date, end: Date, version: number, at: Date): BusyEntry {
  return { key, start: start.getTime(), end: end.getTime(), expiresAt: 0, version, goneAt: at.getTime() };
}

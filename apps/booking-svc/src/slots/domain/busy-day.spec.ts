import fc from 'fast-check';
import {
  BUSY_TOMBSTONE_MS,
  type BusyEntry,
  applyBusyUpdates,
  busyDayId,
  busyEntry,
  busyMonthKey,
  decodeEntries,
  encodeBusy,
  encodeEntries,
  goneEntry,
  isBusy,
  monthsCovering,
  utcDay,
} from './busy-day.js';

const minute = 60_000;
const now = Date.parse('2030-01-15T12:00:00.000Z');
const at = (iso: string) => new Date(iso);
const entry = (key: string, version: number, startIso: string, fields: Partial<BusyEntry> = {}): BusyEntry => {
  const start = Date.parse(startIso);
  return { key, start, end: start + 45 * minute, expiresAt: 0, version, goneAt: 0, ...fields };
};
/** What a reader of the day sees of an entry (its version is bookkeeping). */
const visible = (e: BusyEntry) => [e.key, e.start, e.end, e.expiresAt, e.goneAt];

describe('busy day (the availability read model)', () => {
  describe('ids and days', () => {
    it('files an entry under the UTC day of its start, whatever time of day, and the day under its month', () => {
      expect(utcDay(Date.parse('2030-01-31T23:59:59.999Z'))).toBe('2030-01-31');
      expect(utcDay(Date.parse('2030-02-01T00:00:00.000Z'))).toBe('2030-02-01');
      // 00:30 in Berlin on 1 February is still 31 January in UTC; 01:30 is not.
      expect(utcDay(Date.parse('2030-02-01T00:30:00.000+01:00'))).toBe('2030-01-31');
      expect(utcDay(Date.parse('2030-02-01T01:30:00.000+01:00'))).toBe('2030-02-01');
      expect(busyDayId('p1', '2030-01-31')).toBe('p1|2030-01-31');
      expect(busyMonthKey('p1', '2030-01')).toBe('p1|2030-01');
    });

    it('lists the months of the days from the start of the first to the last day starting before the end', () => {
      expect(monthsCovering(Date.parse('2030-01-10T15:00:00Z'), Date.parse('2030-01-20T00:00:00Z'))).toEqual(['2030-01']);
      expect(monthsCovering(Date.parse('2030-01-31T23:00:00Z'), Date.parse('2030-02-01T00:00:01Z'))).toEqual(['2030-01', '2030-02']);
      // The end is exclusive: a range ending exactly at midnight of 1 February reads no February day.
      expect(monthsCovering(Date.parse('2030-01-31T00:00:00Z'), Date.parse('2030-02-01T00:00:00Z'))).toEqual(['2030-01']);
      expect(monthsCovering(Date.parse('2029-12-31T12:00:00Z'), Date.parse('2030-03-01T00:00:01Z'))).toEqual(['2029-12', '2030-01', '2030-02', '2030-03']);
      // A leap day is a day like any other.
      expect(monthsCovering(Date.parse('2028-02-29T00:00:00Z'), Date.parse('2028-03-01T00:00:00Z'))).toEqual(['2028-02']);
      expect(monthsCovering(Date.parse('2030-01-10T00:00:00Z'), Date.parse('2030-01-10T00:00:00Z'))).toEqual([]);
    });
  });

  describe('entries', () => {
    it('makes a busy entry that never lapses unless given an expiry, and a gone entry that takes no time', () => {
      const start = at('2030-01-20T09:00:00Z');
      const end = at('2030-01-20T09:45:00Z');
      expect(busyEntry('b:1:x', start, end, 3)).toEqual({ key: 'b:1:x', start: start.getTime(), end: end.getTime(), expiresAt: 0, version: 3, goneAt: 0 });
      expect(busyEntry('r:1', start, end, 1, at('2030-01-15T12:10:00Z')).expiresAt).toBe(Date.parse('2030-01-15T12:10:00Z'));
      expect(goneEntry('b:1:x', start, end, 4, new Date(now))).toEqual({
        key: 'b:1:x',
        start: start.getTime(),
        end: end.getTime(),
        expiresAt: 0,
        version: 4,
        goneAt: now,
      });
    });

    it('takes time while not gone and not lapsed; an entry lapses at its expiry, not a millisecond later', () => {
      expect(isBusy(entry('a', 1, '2030-01-20T09:00:00Z'), now)).toBe(true);
      expect(isBusy(entry('a', 1, '2030-01-20T09:00:00Z', { expiresAt: now + 1 }), now)).toBe(true);
      expect(isBusy(entry('a', 1, '2030-01-20T09:00:00Z', { expiresAt: now }), now)).toBe(false);
      expect(isBusy(entry('a', 1, '2030-01-20T09:00:00Z', { goneAt: now - 1 }), now)).toBe(false);
    });

    it('encodes entries as one string and decodes them unchanged; a missing string is no entries', () => {
      const entries = [entry('r:1', 1, '2030-01-20T09:00:00Z', { expiresAt: now + minute }), entry('b:2:0', 7, '2030-01-20T11:00:00Z', { goneAt: now })];
      const encoded = encodeEntries(entries);
      expect(typeof encoded).toBe('string');
      expect(decodeEntries(encoded)).toEqual(entries);
      expect(decodeEntries(undefined)).toEqual([]);
      expect(decodeEntries('')).toEqual([]);
    });

    it('keeps a compact busy list of [start, end, expiresAt] of what takes time at the time of writing', () => {
      const held = entry('b:1:0', 2, '2030-01-20T09:00:00Z');
      const lapsing = entry('r:2', 1, '2030-01-20T10:00:00Z', { expiresAt: now + 10 * minute });
      const lapsed = entry('r:3', 1, '2030-01-20T11:00:00Z', { expiresAt: now - minute });
      const gone = entry('b:4:0', 3, '2030-01-20T12:00:00Z', { goneAt: now - minute });
      expect(JSON.parse(encodeBusy([held, lapsing, lapsed, gone], now))).toEqual([
        [held.start, held.end, 0],
        [lapsing.start, lapsing.end, lapsing.expiresAt],
      ]);
      expect(encodeBusy([], now)).toBe('[]');
    });
  });

  describe('applying updates', () => {
    it('adds entries to a day, sorted by start', () => {
      const late = entry('b:1:0', 1, '2030-01-20T15:00:00Z');
      const early = entry('r:2', 1, '2030-01-20T08:00:00Z', { expiresAt: now + minute });
      expect(applyBusyUpdates([], [late, early], now)).toEqual([early, late]);
      const middle = entry('b:3:0', 1, '2030-01-20T10:00:00Z');
      expect(applyBusyUpdates([early, late], [middle], now)).toEqual([early, middle, late]);
    });

    it('replaces an entry only with a newer version of it, and says so by returning nothing otherwise', () => {
      const v2 = entry('b:1:0', 2, '2030-01-20T09:00:00Z');
      const v3gone = { ...v2, version: 3, goneAt: now };
      expect(applyBusyUpdates([v2], [v3gone], now)).toEqual([v3gone]);
      // The same or an older version, whatever it says, is not written.
      expect(applyBusyUpdates([v3gone], [v2], now)).toBeUndefined();
      expect(applyBusyUpdates([v3gone], [{ ...v2, version: 3 }], now)).toBeUndefined();
      expect(applyBusyUpdates([v3gone], [v3gone], now)).toBeUndefined();
    });

    it('does not write a newer version that takes the same time', () => {
      const v1 = entry('b:1:0', 1, '2030-01-20T09:00:00Z');
      expect(applyBusyUpdates([v1], [{ ...v1, version: 5 }], now)).toBeUndefined();
      // But a newer one with a different end (a changed buffer) is.
      expect(applyBusyUpdates([v1], [{ ...v1, version: 5, end: v1.end + 5 * minute }], now)).toEqual([{ ...v1, version: 5, end: v1.end + 5 * minute }]);
    });

    it('keeps a gone entry as a tombstone, so an older busy projection arriving late cannot bring the time back', () => {
      const busy = entry('r:1', 1, '2030-01-20T09:00:00Z', { expiresAt: now + 10 * minute });
      const released = { ...busy, version: 2, expiresAt: 0, goneAt: now };
      const day = applyBusyUpdates([busy], [released], now)!;
      expect(day).toEqual([released]);
      expect(JSON.parse(encodeBusy(day, now))).toEqual([]);
      // The reservation's first state, delivered again half an hour later: still gone.
      expect(applyBusyUpdates(day, [busy], now + 30 * minute)).toBeUndefined();
    });

    it('drops tombstones and lapsed entries once the tombstone period has passed, keeping them up to its end', () => {
      const gone = entry('b:1:0', 2, '2030-01-20T09:00:00Z', { goneAt: now });
      const lapsed = entry('r:2', 1, '2030-01-20T10:00:00Z', { expiresAt: now });
      const held = entry('b:3:0', 1, '2030-01-20T11:00:00Z');
      const day = [gone, lapsed, held];
      // Exactly at the end of the period they are still kept: nothing to write.
      expect(applyBusyUpdates(day, [], now + BUSY_TOMBSTONE_MS)).toBeUndefined();
      // A millisecond later they go, even when the update itself changes nothing.
      expect(applyBusyUpdates(day, [], now + BUSY_TOMBSTONE_MS + 1)).toEqual([held]);
      expect(applyBusyUpdates(day, [{ ...held }], now + BUSY_TOMBSTONE_MS + 1)).toEqual([held]);
      // Once dropped, a late older projection is a new entry again: the tombstone period is what protects against it.
      expect(applyBusyUpdates([held], [{ ...gone, version: 1, goneAt: 0 }], now + BUSY_TOMBSTONE_MS + 1)).toEqual([{ ...gone, version: 1, goneAt: 0 }, held]);
    });

    it('never keeps an update that is already past the tombstone period', () => {
      const longGone = entry('b:1:0', 4, '2030-01-20T09:00:00Z', { goneAt: now - BUSY_TOMBSTONE_MS - 1 });
      expect(applyBusyUpdates([], [longGone], now)).toEqual([]);
    });

    it('ends with the newest version of every key, whatever the order, batching and repetition of the updates', () => {
      const keys = ['r:a', 'b:b:0', 'p:b:0'];
      // Every version of a key takes a different time (start moves with the version) or is gone.
      const version = fc.record({ key: fc.constantFrom(...keys), version: fc.integer({ min: 1, max: 8 }), gone: fc.boolean() });
      const toEntry = ({ key, version: v, gone }: { key: string; version: number; gone: boolean }): BusyEntry => {
        const start = Date.parse('2030-01-20T08:00:00Z') + (keys.indexOf(key) * 10 + v) * 5 * minute;
        return { key, start, end: start + 30 * minute, expiresAt: 0, version: v, goneAt: gone ? now : 0 };
      };
      fc.assert(
        fc.property(
          fc.uniqueArray(version, { minLength: 1, maxLength: 12, selector: (u) => `${u.key}|${u.version}` }),
          fc.array(fc.nat(), { maxLength: 30 }),
          fc.array(fc.nat(), { minLength: 42, maxLength: 42 }),
          fc.integer({ min: 1, max: 5 }),
          (distinct, repeats, ranks, batchSize) => {
            // Every version at least once, some again; delivered in an arbitrary order.
            const updates = [...distinct, ...repeats.map((i) => distinct[i % distinct.length]!)].map(toEntry);
            const shuffled = updates
              .map((u, i) => ({ u, rank: ranks[i]! }))
              .sort((a, b) => a.rank - b.rank)
              .map(({ u }) => u);
            let day: BusyEntry[] = [];
            for (let i = 0; i < shuffled.length; i += batchSize) day = applyBusyUpdates(day, shuffled.slice(i, i + batchSize), now) ?? day;

            const newest = new Map<string, BusyEntry>();
            for (const u of updates) if ((newest.get(u.key)?.version ?? 0) < u.version) newest.set(u.key, u);
            expect(day.map(visible)).toEqual([...newest.values()].sort((a, b) => a.start - b.start).map(visible));
            expect(day.map((e) => e.start)).toEqual([...day.map((e) => e.start)].sort((a, b) => a - b));
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});

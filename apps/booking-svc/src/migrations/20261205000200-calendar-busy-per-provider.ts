import { defineMigration } from '@bp/platform';

/*
 * External-calendar busy times move from one document per busy interval (`calendar_busy`, read by a
 * range query the local engine could only answer by reading every interval) to one document per
 * provider (`calendar_busy_times`, read by its key; slots/infrastructure/calendar-busy.store.ts).
 * `up` folds each provider's intervals into its document, unless the service already wrote one (then
 * it is newer), and drops `calendar_busy`. `down` writes the intervals back, one document each, with
 * the ids the old store derived, and drops `calendar_busy_times`.
 */
interface Interval {
  _id: string;
  providerId: string;
  start: Date;
  end: Date;
  syncedAt: Date;
}

interface ProviderBusy {
  _id: string;
  v: number;
  spans: string;
  updatedAt: Date;
}

const DUPLICATE_KEY = 11000;

export const calendarBusyPerProvider = defineMigration(
  {
    version: '20261205000200',
    name: 'calendar-busy-per-provider',
    async up({ db, log }) {
      const byProvider = new Map<string, Array<[number, number]>>();
      for await (const interval of db.collection<Interval>('calendar_busy').find({})) {
        byProvider.set(interval.providerId, [...(byProvider.get(interval.providerId) ?? []), [interval.start.getTime(), interval.end.getTime()]]);
      }
      let written = 0;
      for (const [providerId, spans] of byProvider) {
        try {
          await db
            .collection<ProviderBusy>('calendar_busy_times')
            .insertOne({ _id: providerId, v: 1, spans: JSON.stringify(spans.sort((a, b) => a[0] - b[0])), updatedAt: new Date() });
          written++;
        } catch (error) {
          if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        }
      }
      await db
        .collection('calendar_busy')
        .drop()
        .catch(() => undefined);
      log(`calendar_busy_times: ${written} provider(s) written; calendar_busy dropped`);
    },
    async down({ db, log }) {
      let written = 0;
      for await (const doc of db.collection<ProviderBusy>('calendar_busy_times').find({})) {
        for (const [start, end] of JSON.parse(doc.spans) as Array<[number, number]>) {
          const interval = { providerId: doc._id, start: new Date(start), end: new Date(end), syncedAt: doc.updatedAt };
          const _id = `${doc._id}|${interval.start.toISOString()}|${interval.end.toISOString()}`;
          await db.collection<Interval>('calendar_busy').updateOne({ _id }, { $set: interval }, { upsert: true });
          written++;
        }
      }
      await db.collection('calendar_busy').createIndex({ providerId: 1, start: 1 });
      await db
        .collection('calendar_busy_times')
        .drop()
        .catch(() => undefined);
      log(`calendar_busy: ${written} interval(s) written back; calendar_busy_times dropped`);
    },
  },
  import.meta.url,
);

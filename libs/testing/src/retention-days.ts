import type { mongo } from 'mongoose';
import { utcDayOf } from '@bp/platform';

const DAY_MS = 86_400_000;

/** The time `days` days before now. */
export const daysAgo = (days: number): Date => new Date(Date.now() - days * DAY_MS);

/** Each document's `day` by `_id` (undefined where it has none): what a retention-days migration left. */
export async function dayFields(db: mongo.Db, collection: string): Promise<Record<string, string | undefined>> {
  const documents = await db.collection(collection).find({}).toArray();
  return Object.fromEntries(documents.map((document) => [String(document._id), document['day'] as string | undefined]));
}

/**
 * Matches the oldest day a retention-days migration gives: a week before it ran, either side of a
 * midnight the run may straddle.
 */
export const aWeekAgoDay = (): unknown => expect.stringMatching(new RegExp(`^(${utcDayOf(daysAgo(7))}|${utcDayOf(daysAgo(8))})$`));

import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { insertNew, leanInserts } from '@bp/platform';
import { ACTIVITY_MODEL, type ActivityDocument } from './activity.schema.js';

/** The recipients' booking activity (`activity`), one line per (event, recipient). */
@Injectable()
export class ActivityStore {
  constructor(@InjectModel(ACTIVITY_MODEL) private readonly activity: Model<ActivityDocument>) {}

  /**
   * Adds the lines not recorded yet. Inserted, not upserted: an upsert is a read and a write on FerretDB;
   * a repeat (a redelivered event) finds its lines there and adds nothing.
   */
  async recordOnce(lines: ActivityDocument[]): Promise<void> {
    await insertNew(leanInserts<ActivityDocument>(this.activity), lines);
  }
}

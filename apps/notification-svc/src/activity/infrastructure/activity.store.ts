import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { insertNew } from '@bp/platform';
import { ACTIVITY_MODEL, type ActivityDocument } from './activity.schema.js';

/** The recipients' booking activity (`activity`), one line per (event, recipient). */
@Injectable()
export class ActivityStore {
  constructor(@InjectModel(ACTIVITY_MODEL) private readonly activity: Model<ActivityDocument>) {}

  /**
   * Adds the lines not recorded yet. Inserted, not upserted: an upsert is a read and a write on FerretDB;
   * a repeat (a redelivered event) finds its lines there and adds nothing. Lean: the model's insertMany
   * otherwise builds and validates a document per line for fields the types fix (traces still show it).
   */
  async recordOnce(lines: ActivityDocument[]): Promise<void> {
    await insertNew(
      { insertMany: (documents: ActivityDocument[], options: { ordered: false }) => this.activity.insertMany(documents, { ...options, lean: true }) },
      lines,
    );
  }
}

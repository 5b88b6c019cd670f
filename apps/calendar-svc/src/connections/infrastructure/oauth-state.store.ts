import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { OAUTH_STATE_MODEL, type OAuthStateDocument } from './connection.schema.js';

/** The pending OAuth authorizations (`oauth_states`): each `state` is created once and used once. */
@Injectable()
export class OAuthStateStore {
  constructor(@InjectModel(OAUTH_STATE_MODEL) private readonly states: Model<OAuthStateDocument>) {}

  async create(state: OAuthStateDocument): Promise<void> {
    await this.states.create(state);
  }

  async find(state: string): Promise<OAuthStateDocument | undefined> {
    return (await this.states.findById(state).lean<OAuthStateDocument>()) ?? undefined;
  }

  /** Marks a pending state used; false when it was used already (only one request may exchange its code). */
  async use(state: string): Promise<boolean> {
    const claimed = await this.states.updateOne({ _id: state, status: 'pending' }, { $set: { status: 'used' } });
    return claimed.modifiedCount === 1;
  }
}

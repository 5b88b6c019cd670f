import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { DEFAULT_PREFERENCES, type RecipientPreferences } from '../domain/preferences.js';

type RecipientDocument = RecipientPreferences & { _id: string; updatedAt: Date };

/** The devices one person may register (as many as the preferences' pushTokens allow). */
const MAX_DEVICES = 10;

/** Each person's notification preferences and contacts, keyed by role and id (`patient:u1`). */
@Injectable()
export class RecipientRepository implements OnModuleInit {
  private recipients!: Collection<RecipientDocument>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.recipients = this.connection.collection<RecipientDocument>('recipients');
  }

  /** A person's preferences; the defaults (and no contacts) when they never set any. */
  async find(role: string, id: string): Promise<RecipientPreferences> {
    const doc = await this.recipients.findOne({ _id: `${role}:${id}` });
    if (!doc) return DEFAULT_PREFERENCES;
    const { _id, updatedAt: _updated, ...preferences } = doc;
    return preferences;
  }

  async save(role: string, id: string, preferences: RecipientPreferences): Promise<void> {
    await this.recipients.replaceOne({ _id: `${role}:${id}` }, { ...preferences, updatedAt: new Date() }, { upsert: true });
  }

  /** Adds one of the person's devices (idempotent); beyond MAX_DEVICES the oldest is dropped. Returns their tokens. */
  async addDevice(role: string, id: string, token: string): Promise<string[]> {
    const { pushTokens: _none, ...defaults } = DEFAULT_PREFERENCES;
    const _id = `${role}:${id}`;
    await this.recipients.updateOne({ _id }, { $addToSet: { pushTokens: token }, $set: { updatedAt: new Date() }, $setOnInsert: defaults }, { upsert: true });
    let tokens = (await this.find(role, id)).pushTokens;
    while (tokens.length > MAX_DEVICES) {
      await this.recipients.updateOne({ _id }, { $pop: { pushTokens: -1 } });
      tokens = (await this.find(role, id)).pushTokens;
    }
    return tokens;
  }

  /** Forgets a device: the person signed out on it, or FCM reported its token unregistered or invalid. Returns their tokens. */
  async removeDevice(role: string, id: string, token: string): Promise<string[]> {
    await this.recipients.updateOne({ _id: `${role}:${id}` }, { $pull: { pushTokens: token }, $set: { updatedAt: new Date() } });
    return (await this.find(role, id)).pushTokens;
  }
}

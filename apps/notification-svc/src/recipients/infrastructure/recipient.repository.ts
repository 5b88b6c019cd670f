import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { DEFAULT_PREFERENCES, type RecipientPreferences } from '../domain/preferences.js';

type RecipientDocument = RecipientPreferences & { _id: string; updatedAt: Date };

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
}

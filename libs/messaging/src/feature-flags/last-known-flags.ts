import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { FeatureFlagName } from '@bp/contracts';
import type { FlagSetting } from './evaluate-flag.js';

export type VersionedSetting = FlagSetting & { version: number };

/**
 * The flags as this service last read them from their topic, kept where it keeps its own data, so a
 * replica started while Kafka is away still honours the kill switches it knew (docs/kafka-consumers.md).
 */
export interface LastKnownFlags {
  load(): Promise<Map<FeatureFlagName, VersionedSetting>>;
  save(name: FeatureFlagName, setting: VersionedSetting): Promise<void>;
}

export const LAST_KNOWN_FLAGS = Symbol('LAST_KNOWN_FLAGS');

type StoredFlag = VersionedSetting & { _id: FeatureFlagName; savedAt: Date };

/** One small document per flag that was ever set, in the service's database. */
@Injectable()
export class MongoLastKnownFlags implements LastKnownFlags {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private get collection() {
    return this.connection.collection<StoredFlag>('feature_flags_last_known');
  }

  async load(): Promise<Map<FeatureFlagName, VersionedSetting>> {
    const stored = await this.collection.find({}).toArray();
    return new Map(stored.map(({ _id, savedAt: _savedAt, ...setting }) => [_id, setting]));
  }

  async save(name: FeatureFlagName, setting: VersionedSetting): Promise<void> {
    await this.collection.replaceOne({ _id: name }, { ...setting, savedAt: new Date() }, { upsert: true });
  }
}

/** A service without a database (the gateway) starts from the flags' defaults when the topic cannot be read. */
@Injectable()
export class NoLastKnownFlags implements LastKnownFlags {
  load(): Promise<Map<FeatureFlagName, VersionedSetting>> {
    return Promise.resolve(new Map());
  }

  save(): Promise<void> {
    return Promise.resolve();
  }
}

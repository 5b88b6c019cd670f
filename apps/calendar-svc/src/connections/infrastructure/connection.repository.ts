import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { type AggregateStore, InjectAggregateStore, withoutOutbox } from '@bp/outbox';
import type { CalendarConnection } from '../domain/calendar-connection.js';
import { CONNECTION_MODEL, type ConnectionDocument } from './connection.schema.js';

const toConnection = (document: ConnectionDocument): CalendarConnection => {
  const { _id, ...fields } = withoutOutbox(document);
  return { providerId: _id, ...fields };
};

/** Connections, written only by conditional updates on (provider, version); a lost race returns false. */
@Injectable()
export class ConnectionRepository {
  constructor(
    @InjectModel(CONNECTION_MODEL) private readonly model: Model<ConnectionDocument>,
    @InjectAggregateStore(CONNECTION_MODEL) private readonly store: AggregateStore<ConnectionDocument>,
  ) {}

  async find(providerId: string): Promise<CalendarConnection | undefined> {
    const document = await this.model.findById(providerId, { outbox: 0 }).lean<ConnectionDocument>();
    return document ? toConnection(document) : undefined;
  }

  /** Writes `next` if the stored connection is still at `expectedVersion` (undefined: none stored yet). */
  async save(next: CalendarConnection, expectedVersion: number | undefined, messages: OutgoingMessage[] = []): Promise<boolean> {
    const { providerId, ...fields } = next;
    if (expectedVersion === undefined) return (await this.store.insert({ _id: providerId, ...fields }, messages)).ok;
    const unset = Object.fromEntries(
      (['accessToken', 'refreshToken', 'accessTokenExpiresAt', 'scope', 'disconnectedAt', 'accountEmail'] as const)
        .filter((k) => next[k] === undefined)
        .map((k) => [k, 1]),
    );
    const result = await this.store.update(
      { _id: providerId, version: expectedVersion },
      { $set: fields, ...(Object.keys(unset).length ? { $unset: unset } : {}) },
      messages,
    );
    return result.ok;
  }

  /** Providers whose calendars are connected (the busy-time sync walks them). */
  async connectedProviderIds(): Promise<string[]> {
    const documents = await this.model.find({ status: 'connected' }, { _id: 1 }).lean<{ _id: string }[]>();
    return documents.map((d) => d._id);
  }
}

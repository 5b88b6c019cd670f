import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { OutgoingMessage } from '@bp/messaging';
import { OutboxRelay, outboxOnInsert, withOutboxUpdate } from '@bp/outbox';
import { isDuplicateKey } from '@bp/platform';
import type { CalendarConnection } from '../domain/calendar-connection.js';
import { CONNECTION_MODEL, type ConnectionDocument } from './connection.schema.js';

const toConnection = ({ _id, ...rest }: ConnectionDocument): CalendarConnection => {
  const { outbox: _o, outboxPending: _p, outboxPendingSince: _s, outboxLockedUntil: _l, outboxRevision: _r, ...fields } = rest;
  return { providerId: _id, ...fields };
};

/** Connections, written only by conditional updates on (provider, version); a lost race returns false. */
@Injectable()
export class ConnectionRepository {
  constructor(
    @InjectModel(CONNECTION_MODEL) private readonly model: Model<ConnectionDocument>,
    private readonly outbox: OutboxRelay,
  ) {}

  async find(providerId: string): Promise<CalendarConnection | undefined> {
    const document = await this.model.findById(providerId, { outbox: 0 }).lean<ConnectionDocument>();
    return document ? toConnection(document) : undefined;
  }

  /** Writes `next` if the stored connection is still at `expectedVersion` (undefined: none stored yet). */
  async save(next: CalendarConnection, expectedVersion: number | undefined, messages: OutgoingMessage[] = []): Promise<boolean> {
    const { providerId, ...fields } = next;
    if (expectedVersion === undefined) {
      const created = await this.model.create({ _id: providerId, ...fields, ...outboxOnInsert(messages) }).then(
        () => true,
        (error: unknown) => {
          if (isDuplicateKey(error)) return false;
          throw error;
        },
      );
      if (created && messages.length > 0) this.outbox.publishSoon(this.model, providerId);
      return created;
    }
    const unset = Object.fromEntries(
      (['accessToken', 'refreshToken', 'accessTokenExpiresAt', 'scope', 'disconnectedAt', 'accountEmail'] as const)
        .filter((k) => next[k] === undefined)
        .map((k) => [k, 1]),
    );
    const result = await this.model.updateOne(
      { _id: providerId, version: expectedVersion },
      withOutboxUpdate({ $set: fields, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, messages),
    );
    if (result.modifiedCount === 1 && messages.length > 0) this.outbox.publishSoon(this.model, providerId);
    return result.modifiedCount === 1;
  }

  /** Providers whose calendars are connected (the busy-time sync walks them). */
  async connectedProviderIds(): Promise<string[]> {
    const documents = await this.model.find({ status: 'connected' }, { _id: 1 }).lean<{ _id: string }[]>();
    return documents.map((d) => d._id);
  }
}

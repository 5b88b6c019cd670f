import { Schema } from 'mongoose';
import { type OutboxFields, withOutboxFields } from '@bp/outbox';
import type { CalendarConnection } from '../domain/calendar-connection.js';

export const CONNECTION_MODEL = 'CalendarConnection';

export type ConnectionDocument = Omit<CalendarConnection, 'providerId'> & { _id: string } & OutboxFields;

/** One document per provider: the connection, its sealed tokens, and (outbox) the CalendarConnectionChanged it caused. */
export const ConnectionSchema = withOutboxFields(
  new Schema<ConnectionDocument>(
    {
      _id: { type: String, required: true },
      calendarProvider: { type: String, required: true, enum: ['google', 'microsoft'] },
      status: { type: String, required: true, enum: ['connected', 'reauthorization_required', 'disconnected'] },
      accountEmail: { type: String },
      accessToken: { type: String },
      refreshToken: { type: String },
      accessTokenExpiresAt: { type: Date },
      scope: { type: String },
      connectedAt: { type: Date, required: true },
      disconnectedAt: { type: Date },
      lastRefreshedAt: { type: Date },
      version: { type: Number, required: true },
      updatedAt: { type: Date, required: true },
    },
    { collection: 'connections', versionKey: false },
  ),
);
// The busy-time sync walks the connected providers: an indexed equality, not a read of every connection.
ConnectionSchema.index({ status: 1 });

export const OAUTH_STATE_MODEL = 'OAuthState';
export const OAUTH_STATE_COLLECTION = 'oauth_states';

/** A pending authorization: the `state` we sent to Google or Microsoft, bound to the provider who asked; used once. */
export interface OAuthStateDocument {
  _id: string;
  providerId: string;
  calendarProvider: 'google' | 'microsoft';
  redirectUri: string;
  status: 'pending' | 'used';
  expiresAt: Date;
  /** The UTC day it expires: refused from then on, used or not, so its retention counts from it (OAUTH_STATE_RETENTION_DAYS). */
  day?: string;
}

export const OAuthStateSchema = new Schema<OAuthStateDocument>(
  {
    _id: { type: String, required: true },
    providerId: { type: String, required: true },
    calendarProvider: { type: String, required: true },
    redirectUri: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'used'] },
    expiresAt: { type: Date, required: true },
    day: { type: String },
  },
  { collection: OAUTH_STATE_COLLECTION, versionKey: false },
);

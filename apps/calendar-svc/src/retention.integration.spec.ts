import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Connection, Model } from 'mongoose';
import { AggregateStore, relayThatNeverPublishes } from '@bp/outbox';
import { IdempotencyStore, Retention, utcDayOf } from '@bp/platform';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { CalendarApis } from './calendar-apis/infrastructure/calendar-apis.js';
import { CalendarConfig } from './config/calendar.config.js';
import { CalendarSession } from './connections/application/calendar-session.js';
import { ConnectCalendar } from './connections/application/connect-calendar.js';
import { ConnectionRepository } from './connections/infrastructure/connection.repository.js';
import { OAuthStateStore } from './connections/infrastructure/oauth-state.store.js';
import {
  CONNECTION_MODEL,
  type ConnectionDocument,
  ConnectionSchema,
  OAUTH_STATE_MODEL,
  type OAuthStateDocument,
  OAuthStateSchema,
} from './connections/infrastructure/connection.schema.js';
import { TokenCipher } from './connections/infrastructure/token-cipher.js';
import { calendarRetentionRules } from './retention.js';

const DAY = 86_400_000;

/** calendar-svc's retention table applied to OAuth states and idempotency records written by its own code. */
describe('calendar-svc retention on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let states: Model<OAuthStateDocument>;
  let connect: ConnectCalendar;
  const config = Object.assign(new CalendarConfig(), { GOOGLE_CLIENT_ID: 'client-id', GOOGLE_CLIENT_SECRET: 'client-secret-0123456789' });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    connection = await connectScratchDatabase(`calendar_retention_${uniqueSuffix()}`);
    states = connection.model<OAuthStateDocument>(OAUTH_STATE_MODEL, OAuthStateSchema);
    const connectionModel = connection.model<ConnectionDocument>(CONNECTION_MODEL, ConnectionSchema);
    const connections = new ConnectionRepository(connectionModel, new AggregateStore(connectionModel, relayThatNeverPublishes()));
    const apis = new CalendarApis(config);
    const cipher = new TokenCipher(randomBytes(32).toString('base64'));
    connect = new ConnectCalendar(new OAuthStateStore(states), connections, apis, cipher, new CalendarSession(connections, apis, cipher, config), config);
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('keeps an OAuth state while it can be used and deletes it OAUTH_STATE_RETENTION_DAYS after it expired, used or not', async () => {
    expect(config.OAUTH_STATE_RETENTION_DAYS).toBe(1);
    const pending = await connect.start('p1', 'google');
    const used = await connect.start('p2', 'google');
    await new OAuthStateStore(states).use(used.state); // as complete() claims it
    expect(await states.findById(pending.state).lean<OAuthStateDocument>()).toMatchObject({ day: utcDayOf(new Date(pending.expiresAt)) });
    const retention = new Retention(connection, calendarRetentionRules(config));

    await retention.prune(new Date());
    expect(await states.countDocuments({ _id: { $in: [pending.state, used.state] } })).toBe(2);

    await retention.prune(new Date(Date.now() + 2 * DAY + 60_000));
    expect(await states.countDocuments({ _id: { $in: [pending.state, used.state] } })).toBe(0);
  });

  it('deletes idempotency records after IDEMPOTENCY_RETENTION_HOURS', async () => {
    expect(config.IDEMPOTENCY_RETENTION_HOURS).toBe(24);
    const idempotency = new IdempotencyStore(connection);
    idempotency.onModuleInit();
    const scope = { actor: { type: 'provider', id: 'p1' }, operation: 'calendar-disconnect:p1', key: 'k1' };
    await idempotency.run(scope, {}, async () => ({ status: 200, body: {} }));
    const retention = new Retention(connection, calendarRetentionRules(config));

    await retention.prune(new Date(Date.now() + 3_600_000));
    expect(await connection.collection('idempotency_records').countDocuments()).toBe(2); // the key's record and its answer's

    await retention.prune(new Date(Date.now() + 3 * DAY));
    expect(await connection.collection('idempotency_records').countDocuments()).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import type { BookingParties } from '../domain/notifications-for.js';
import { BookingDirectory } from './booking-directory.js';

describe('BookingDirectory on the real MongoDB-compatible server', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await connectScratchDatabase(`booking_directory_${uniqueSuffix()}`);
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('stores a booking’s parties once per change of them (first as an insert), and another replica finds and changes them', async () => {
    const directory = new BookingDirectory(connection);
    directory.onModuleInit();
    const inserts = jest.spyOn(connection.collection('booking_parties'), 'insertMany');
    const writes = jest.spyOn(connection.collection('booking_parties'), 'replaceOne');
    const parties: BookingParties = {
      bookingId: randomUUID(),
      bookingNumber: 'BK-1',
      patientId: 'patient-1',
      providerId: 'provider-1',
      patientTimezone: 'Europe/Berlin',
      providerTimezone: 'America/New_York',
      currency: 'eur',
    };

    await directory.remember(parties);
    await directory.remember({ ...parties }); // the booking's next status change
    expect([inserts.mock.calls.length, writes.mock.calls.length]).toEqual([1, 0]);
    await directory.remember({ ...parties, currency: 'usd' });
    expect([inserts.mock.calls.length, writes.mock.calls.length]).toEqual([1, 1]);

    const replica = new BookingDirectory(connection);
    replica.onModuleInit();
    expect(await replica.find(parties.bookingId)).toEqual({ ...parties, currency: 'usd' });
    expect(await replica.find(randomUUID())).toBeUndefined();
    // A replica that has not written the booking tries an insert, finds it there, and replaces it.
    await replica.remember({ ...parties, currency: 'gbp' });
    expect(await directory.find(parties.bookingId)).toEqual({ ...parties, currency: 'gbp' });
  });
});

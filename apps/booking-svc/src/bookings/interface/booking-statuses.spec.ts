import 'reflect-metadata';
import { BOOKING_STATUS_VALUES } from '@bp/contracts';
import { BOOKING_STATUSES } from '../domain/booking-status.js';

describe('the public API’s status list', () => {
  it('is the state machine’s list, in the same order', () => {
    expect([...BOOKING_STATUS_VALUES]).toEqual([...BOOKING_STATUSES]);
  });
});

import { DuplicateKeyConflict, VersionConflict } from './write-conflicts.js';

const duplicate = (fields: Partial<{ message: string; keyPattern: Record<string, unknown> }>) =>
  Object.assign(new Error(fields.message ?? 'E11000'), { code: 11000 }, fields);

describe('DuplicateKeyConflict', () => {
  it('is what a duplicate key failure becomes, and nothing else is', () => {
    expect(DuplicateKeyConflict.of(duplicate({}))).toBeInstanceOf(DuplicateKeyConflict);
    expect(DuplicateKeyConflict.of(Object.assign(new Error('not primary'), { code: 10107 }))).toBeUndefined();
    expect(DuplicateKeyConflict.of(new Error('connection closed'))).toBeUndefined();
  });

  it('names the unique index that refused the write from the key pattern MongoDB reports', () => {
    const conflict = DuplicateKeyConflict.of(duplicate({ message: 'E11000 duplicate key error collection: bookings', keyPattern: { reservationId: 1 } }));
    expect(conflict?.concerns('reservationId')).toBe(true);
    expect(conflict?.concerns('bookingNumber')).toBe(false);
  });

  it('names it from the message where the engine reports no key pattern (FerretDB)', () => {
    const conflict = DuplicateKeyConflict.of(duplicate({ message: 'E11000 duplicate key error collection: bookings index: reservationId_1' }));
    expect(conflict?.concerns('reservationId')).toBe(true);
    expect(conflict?.concerns('bookingNumber')).toBe(false);
  });
});

describe('VersionConflict', () => {
  it('says which document changed meanwhile', () => {
    const conflict = new VersionConflict('payments', 'b-1');
    expect(conflict.message).toBe('payments b-1 changed meanwhile');
    expect(conflict).toMatchObject({ collection: 'payments', id: 'b-1' });
  });
});

import { DuplicateKeyConflict, VersionConflict } from './write-conflicts.js';

const duplicate = (fields: Partial<{ message: string }>) => Object.assign(new Error(fields.message ?? 'E11000'), { code: 11000 }, fields);

describe('DuplicateKeyConflict', () => {
  it('is what a duplicate key failure becomes, and nothing else is', () => {
    expect(DuplicateKeyConflict.of(duplicate({}))).toBeInstanceOf(DuplicateKeyConflict);
    expect(DuplicateKeyConflict.of(Object.assign(new Error('not primary'), { code: 10107 }))).toBeUndefined();
    expect(DuplicateKeyConflict.of(new Error('connection closed'))).toBeUndefined();
  });
});

describe('VersionConflict', () => {
  it('says which document changed meanwhile', () => {
    const conflict = new VersionConflict('payments', 'b-1');
    expect(conflict.message).toBe('payments b-1 changed meanwhile');
    expect(conflict).toMatchObject({ collection: 'payments', id: 'b-1' });
  });
});

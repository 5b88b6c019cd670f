import { isDuplicateKey } from './duplicate-key.js';

describe('isDuplicateKey', () => {
  it('recognises the driver error for a value a unique index holds already', () => {
    expect(isDuplicateKey(Object.assign(new Error('E11000 duplicate key error'), { code: 11000 }))).toBe(true);
    expect(isDuplicateKey({ code: 11000, index: 3 })).toBe(true);
  });

  it('does not take other write failures, or things that are not errors, for duplicates', () => {
    expect(isDuplicateKey(Object.assign(new Error('WriteConflict'), { code: 112 }))).toBe(false);
    expect(isDuplicateKey(new Error('E11000 in the text only'))).toBe(false);
    expect(isDuplicateKey(undefined)).toBe(false);
    expect(isDuplicateKey('11000')).toBe(false);
  });
});

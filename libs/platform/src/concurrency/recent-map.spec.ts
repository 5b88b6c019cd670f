import { RecentMap } from './recent-map.js';

describe('RecentMap', () => {
  it('keeps the newest entries up to its capacity, a key set again counting as new', () => {
    const recent = new RecentMap<number>(3);
    ['a', 'b', 'c'].forEach((key, i) => recent.set(key, i));
    recent.set('a', 10); // now the newest: b is the oldest
    recent.set('d', 3);
    expect(['a', 'b', 'c', 'd'].map((key) => recent.get(key))).toEqual([10, undefined, 2, 3]);
    recent.set('e', 4);
    expect(['a', 'c', 'd', 'e'].map((key) => recent.has(key))).toEqual([true, false, true, true]);
  });
});

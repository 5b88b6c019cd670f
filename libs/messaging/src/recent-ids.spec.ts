import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('remembers the newest ids up to its capacity, an id added again counting as new', () => {
    const ids = new RecentIds(3);
    ['a', 'b', 'c'].forEach((id) => ids.add(id));
    ids.add('a'); // now the newest: b is the oldest
    ids.add('d');
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
    ids.add('e');
    expect(['a', 'c', 'd', 'e'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
  });
});

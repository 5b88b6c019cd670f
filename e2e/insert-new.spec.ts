import type { Connection } from 'mongoose';
import { insertNew } from '@bp/platform';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';

describe('insertNew on the real MongoDB-compatible server', () => {
  let connection: Connection;
  const records = () => connection.collection<{ _id: string; n: number; email?: string }>('records');

  beforeAll(async () => {
    connection = await connectScratchDatabase(`insert_new_${uniqueSuffix()}`);
    await records().createIndex({ email: 1 }, { unique: true, sparse: true });
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('inserts what is new, skips what is there already (one or several, by _id or a unique key), and counts the new', async () => {
    expect(await insertNew(records(), [])).toBe(0);
    expect(await insertNew(records(), [{ _id: 'a', n: 1 }])).toBe(1);
    expect(await insertNew(records(), [{ _id: 'a', n: 2 }])).toBe(0);
    expect(
      await insertNew(records(), [
        { _id: 'a', n: 3 },
        { _id: 'b', n: 3 },
        { _id: 'c', n: 3, email: 'x@example.com' },
      ]),
    ).toBe(2);
    expect(
      await insertNew(records(), [
        { _id: 'b', n: 4 },
        { _id: 'd', n: 4, email: 'x@example.com' },
        { _id: 'e', n: 4 },
      ]),
    ).toBe(1);
    expect(await records().find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 3 },
      { _id: 'c', n: 3, email: 'x@example.com' },
      { _id: 'e', n: 4 },
    ]);
  });

  it('throws any other failure', async () => {
    await expect(insertNew(records(), [{ _id: 'f', n: 5, $bad: 1 } as never])).rejects.toThrow();
  });
});

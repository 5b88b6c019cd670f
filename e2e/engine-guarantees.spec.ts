import mongoose from 'mongoose';
import { infraEnv, uniqueSuffix } from '@bp/testing';

type Client = mongoose.mongo.MongoClient;
type Db = mongoose.mongo.Db;

/**
 * What the services rely on from the MongoDB-compatible engine (ARCHITECTURE.md's data rules), checked
 * under real concurrency on whichever engine the infrastructure runs: a conditional update is atomic
 * (one winner, no lost update), and a unique index holds. FerretDB v1 needs the project's patch for
 * the first (infra/ferretdb/compare-and-swap-updates.patch).
 */
describe(`engine guarantees (${infraEnv().MONGO_ENGINE || 'MongoDB-compatible server'})`, () => {
  let clients: Client[];
  let dbs: Db[];
  const name = `engine_${uniqueSuffix()}`;
  const CONCURRENCY = 16;

  beforeAll(async () => {
    // Several connection pools, so the writes really arrive on separate connections at once.
    clients = await Promise.all([1, 2, 3, 4].map(() => new mongoose.mongo.MongoClient(infraEnv().MONGO_URL, { maxPoolSize: 8 }).connect()));
    dbs = clients.map((client) => client.db(name));
  });

  afterAll(async () => {
    await dbs[0]?.dropDatabase();
    await Promise.all(clients.map((client) => client.close()));
  });

  const collection = (i: number, coll: string) => dbs[i % dbs.length]!.collection<{ _id: string } & Record<string, any>>(coll);

  it('lets exactly one of many concurrent conditional updates on (id, version) win', async () => {
    await collection(0, 'transitions').insertOne({ _id: 'b-1', version: 1, status: 'pending' });
    const results = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        collection(i, 'transitions').updateOne({ _id: 'b-1', version: 1, status: 'pending' }, { $set: { status: `confirmed-by-${i}` }, $inc: { version: 1 } }),
      ),
    );
    expect(results.reduce((sum, r) => sum + r.modifiedCount, 0)).toBe(1);
    expect(await collection(0, 'transitions').findOne({ _id: 'b-1' })).toMatchObject({ version: 2, status: expect.stringMatching(/^confirmed-by-\d+$/) });
  });

  it('gives a claim by findOneAndUpdate to exactly one of many concurrent claimants', async () => {
    await collection(0, 'claims').insertOne({ _id: 'job-1' });
    const claims = await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        collection(i, 'claims').findOneAndUpdate({ _id: 'job-1', owner: { $exists: false } }, { $set: { owner: `replica-${i}` } }, { returnDocument: 'after' }),
      ),
    );
    const winners = claims.filter((claim) => claim !== null);
    expect(winners).toHaveLength(1);
    expect(await collection(0, 'claims').findOne({ _id: 'job-1' })).toMatchObject({ owner: winners[0]?.['owner'] });
  });

  it('loses no increment under concurrent updates of one document', async () => {
    await collection(0, 'counters').insertOne({ _id: 'daily-cap', count: 0 });
    await Promise.all(Array.from({ length: CONCURRENCY * 2 }, (_, i) => collection(i, 'counters').updateOne({ _id: 'daily-cap' }, { $inc: { count: 1 } })));
    expect(await collection(0, 'counters').findOne({ _id: 'daily-cap' })).toMatchObject({ count: CONCURRENCY * 2 });
  });

  it('admits exactly one of many concurrent inserts with the same unique key', async () => {
    await collection(0, 'slots').createIndex({ providerId: 1, slotKey: 1 }, { unique: true });
    const inserts = await Promise.allSettled(
      Array.from({ length: CONCURRENCY }, (_, i) => collection(i, 'slots').insertOne({ _id: `claim-${i}`, providerId: 'p-1', slotKey: '2030-01-01T10:00Z' })),
    );
    expect(inserts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const rejected of inserts.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(rejected.reason).toMatchObject({ code: 11000 });
  });
  it('keeps answering hundreds of concurrent updates of one hot document', async () => {
    // FerretDB v1 held the read's PostgreSQL connection while each update took another: with more
    // concurrent updates than half its pool, every one waited for ever (infra/ferretdb/update-after-read.patch).
    const many = 240;
    const wide = await new mongoose.mongo.MongoClient(infraEnv().MONGO_URL, { maxPoolSize: many }).connect();
    try {
      const hot = wide.db(name).collection<{ _id: string; n: number }>('hot');
      await hot.insertOne({ _id: 'hot', n: 0 });
      const updates = Promise.all(Array.from({ length: many }, () => hot.updateOne({ _id: 'hot' }, { $inc: { n: 1 } })));
      const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the engine stopped answering')), 60_000).unref());
      await Promise.race([updates, deadline]);
      expect((await hot.findOne({ _id: 'hot' }))?.n).toBe(many);
    } finally {
      await wide.close();
    }
  }, 90_000);
});

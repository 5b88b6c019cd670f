import type { Connection } from 'mongoose';
import pg from 'pg';
import { infraEnv, uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';

interface Thing {
  _id: string;
  status: string;
}

/**
 * The FerretDB engine as `scripts/infra` builds and sets it up (docs/performance.md "Access paths"):
 * a filter with an _id equality reaches PostgreSQL as that equality alone, which the unique _id index
 * serves (infra/ferretdb/id-equality-pushdown.patch); another field's equality as `@>`, which its GIN
 * sibling serves (infra/postgres/ferretdb-indexes.sql). Read from PostgreSQL's own catalogue and
 * statement statistics.
 */
describe('the FerretDB engine: what PostgreSQL is asked, and which indexes serve it', () => {
  const database = `access_${uniqueSuffix()}`;
  let connection: Connection;
  let sql: pg.Client;

  beforeAll(async () => {
    const url = infraEnv()['FERRETDB_POSTGRES_URL'];
    if (!url)
      throw new Error(
        'FERRETDB_POSTGRES_URL is not in the infrastructure’s env: these checks read the FerretDB engine’s PostgreSQL (scripts/infra up writes it)',
      );
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
    connection = await connectScratchDatabase(database);
    const things = connection.collection<Thing>('things');
    await things.createIndex({ status: 1 });
    await things.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `t${i}`, status: i === 0 ? 'active' : 'done' })));
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
    await sql?.end();
  });

  /** The statements PostgreSQL ran on this test's collection so far, normalised ($1, $2…). */
  async function statementsOn(collection: string): Promise<string[]> {
    const { rows } = await sql.query<{ query: string }>('SELECT query FROM pg_stat_statements WHERE query LIKE $1', [`%"${database}"."${collection}\\_%`]);
    return rows.map((row) => row.query.replace(/\s+/g, ' '));
  }

  it('sends a filter with an _id as the _id equality alone, and still applies all of it', async () => {
    const things = connection.collection<Thing>('things');

    expect(await things.findOne({ _id: 't0', status: 'done' })).toBeNull();
    expect((await things.updateOne({ _id: 't0', status: 'active' }, { $set: { status: 'done' } })).modifiedCount).toBe(1);
    expect(await things.findOne({ _id: 't0', status: 'done' })).toEqual({ _id: 't0', status: 'done' });

    // One condition, an equality (the field name is a constant the statistics show as a parameter too).
    const reads = (await statementsOn('things')).filter((query) => query.startsWith('SELECT'));
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((query) => !/ WHERE _jsonb->\$\d+ = \$\d+( LIMIT \$\d+)?$/.test(query))).toEqual([]);
    // The write is conditional on the row version read (its xmin), not on the whole document as read
    // (infra/ferretdb/row-version-updates.patch); engine-guarantees.spec.ts checks the races it settles.
    const writes = (await statementsOn('things')).filter((query) => query.startsWith('UPDATE'));
    expect(writes).toEqual([expect.stringMatching(/ WHERE _jsonb->\$\d+ = \$2 AND xmin::text = \$3 RETURNING xmin::text$/)]);
  });

  /** How many times PostgreSQL ran a SELECT and an UPDATE on this test's collection so far. */
  async function callsOn(collection: string): Promise<{ reads: number; writes: number }> {
    const { rows } = await sql.query<{ verb: string; calls: string }>(
      "SELECT split_part(ltrim(query), ' ', 1) AS verb, sum(calls) AS calls FROM pg_stat_statements WHERE query LIKE $1 GROUP BY 1",
      [`%"${database}"."${collection}\\_%`],
    );
    const calls = (verb: string) => Number(rows.find((row) => row.verb === verb)?.calls ?? 0);
    return { reads: calls('SELECT'), writes: calls('UPDATE') };
  }

  it('updates a document by _id from the row as it last read or wrote it, without reading it again', async () => {
    const remembered = connection.collection<Thing & { n: number }>('remembered');
    await remembered.insertOne({ _id: 'r1', status: 'new', n: 0 });
    expect((await remembered.updateOne({ _id: 'r1', status: 'new' }, { $set: { status: 'held' } })).modifiedCount).toBe(1);
    expect(await remembered.findOne({ _id: 'r1' })).toEqual({ _id: 'r1', status: 'held', n: 0 });
    expect(await remembered.findOneAndUpdate({ _id: 'r1', status: 'held' }, { $inc: { n: 1 } }, { returnDocument: 'after' })).toEqual({
      _id: 'r1',
      status: 'held',
      n: 1,
    });
    // The find is the only read: a find is never answered from memory, the two updates needed none.
    expect(await callsOn('remembered')).toEqual({ reads: 1, writes: 2 });
  });

  it('reads a row changed since it was remembered afresh, and applies the whole filter to what it read', async () => {
    const changed = connection.collection<Thing>('changed');
    await changed.insertOne({ _id: 'c1', status: 'a' });
    const { rows } = await sql.query<{ table: string }>(
      "SELECT table_name AS table FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'changed\\_%'",
      [database],
    );
    const table = `"${database}"."${rows[0]!.table}"`;
    // Another writer (here PostgreSQL itself) changes the row behind FerretDB's back: a new xmin.
    const setBehind = (status: string) =>
      sql.query(`UPDATE ${table} SET _jsonb = jsonb_set(_jsonb, '{status}', to_jsonb($1::text)) WHERE _jsonb->'_id' = '"c1"'`, [status]);

    await setBehind('b');
    expect((await changed.updateOne({ _id: 'c1', status: 'a' }, { $set: { status: 'x' } })).matchedCount).toBe(0);
    expect(await changed.findOne({ _id: 'c1' })).toEqual({ _id: 'c1', status: 'b' });

    await setBehind('d');
    expect((await changed.updateOne({ _id: 'c1', status: 'd' }, { $set: { status: 'e' } })).modifiedCount).toBe(1);

    // An update that would write nothing confirms nothing either: it reads the row.
    await setBehind('f');
    expect((await changed.updateOne({ _id: 'c1', status: 'e' }, { $set: { status: 'e' } })).matchedCount).toBe(0);

    await setBehind('g');
    expect(await changed.findOneAndUpdate({ _id: 'c1', status: 'f' }, { $set: { status: 'h' } })).toBeNull();
    expect(await changed.findOneAndUpdate({ _id: 'c1', status: 'g' }, { $set: { status: 'h' } }, { returnDocument: 'after' })).toEqual({
      _id: 'c1',
      status: 'h',
    });
  });

  it('sends another field’s equality as containment, served by a GIN index; the _id has its unique btree only', async () => {
    const things = connection.collection<Thing>('things');
    expect(await things.find({ status: 'done' }).toArray()).toHaveLength(20);

    expect(await statementsOn('things')).toContainEqual(expect.stringMatching(/WHERE _jsonb->\$1 @> \$2$/));
    const { rows } = await sql.query<{ definition: string }>('SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = $1', [database]);
    const definitions = rows.map((row) => row.definition);
    expect(definitions).toContainEqual(expect.stringMatching(/UNIQUE INDEX things_\w+ ON .* USING btree \(\(\(_jsonb -> '_id'::text\)\)\)/));
    expect(definitions).toContainEqual(expect.stringMatching(/INDEX things_\w+ ON .* USING gin \(\(\(_jsonb -> 'status'::text\)\) jsonb_path_ops\)/));
    expect(definitions.filter((definition) => definition.includes('USING gin') && definition.includes("'_id'"))).toEqual([]);
  });

  it('keeps the btree FerretDB makes for a non-unique index empty (no query can use it), and a unique one whole', async () => {
    const things = connection.collection<Thing & { code?: string }>('things');
    await things.createIndex({ code: 1 }, { unique: true });
    await expect(
      things.insertMany([
        { _id: 'u1', status: 'x', code: 'c1' },
        { _id: 'u2', status: 'x', code: 'c1' },
      ]),
    ).rejects.toThrow(/duplicate key/i);

    const { rows } = await sql.query<{ definition: string }>('SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE $2', [
      database,
      '%USING btree%',
    ]);
    const btrees = rows.map((row) => row.definition);
    expect(btrees).toContainEqual(expect.stringMatching(/^CREATE INDEX things_\w+ ON .* USING btree \(\(\(_jsonb -> 'status'::text\)\)\) WHERE false$/));
    expect(btrees).toContainEqual(expect.stringMatching(/^CREATE UNIQUE INDEX things_\w+ ON .* USING btree \(\(\(_jsonb -> 'code'::text\)\)\)$/));
    expect(btrees).toContainEqual(expect.stringMatching(/^CREATE UNIQUE INDEX things_\w+ ON .* USING btree \(\(\(_jsonb -> '_id'::text\)\)\)$/));
    // FerretDB still lists and drops it as the index the service made.
    expect((await things.indexes()).map((index) => index.name)).toEqual(expect.arrayContaining(['status_1', 'code_1']));
    await things.dropIndex('status_1');
    const left = await sql.query('SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE $2', [database, "%'status'%"]);
    expect(left.rowCount).toBe(0);
  });
});

import mongoose, { type ConnectOptions, type Connection, type mongo } from 'mongoose';
import { type Migration, MigrationRunner } from '@bp/platform';
import { infraEnv, uniqueSuffix } from './infra.js';

export interface MigrationSpecDatabase {
  client: mongo.MongoClient;
  /** `<name>_<unique suffix>`, emptied before each test and dropped after the last. */
  db: mongo.Db;
  /** A runner of exactly the spec's migrations on `db`. */
  runner(): MigrationRunner;
}

/**
 * The database a migration spec runs its migrations against, on the test infrastructure. Call it at
 * the top of the `describe`, before the spec's own hooks: it registers a `beforeAll` that connects,
 * a `beforeEach` that drops the database (so the spec's own `beforeEach` seeds an empty one) and an
 * `afterAll` that drops it and disconnects. `db` and `connection` exist from the call on (nothing
 * connects before `beforeAll`), so a spec destructures them:
 *
 *     const { db, connection, runner } = migrationSpecDatabase('slot_holds_migration', [slotHolds], { connection: true });
 *
 * `connection` (a mongoose connection to the same database, for the current release's stores to read
 * what the migration left) is there when asked for, with `true` or the mongoose options to open it with.
 */
export function migrationSpecDatabase(name: string, migrations: Migration[]): MigrationSpecDatabase;
export function migrationSpecDatabase(
  name: string,
  migrations: Migration[],
  options: { connection: true | ConnectOptions },
): MigrationSpecDatabase & { connection: Connection };
export function migrationSpecDatabase(
  name: string,
  migrations: Migration[],
  options: { connection?: true | ConnectOptions } = {},
): MigrationSpecDatabase & { connection?: Connection } {
  const url = infraEnv().MONGO_URL;
  const dbName = `${name}_${uniqueSuffix()}`;
  const client = new mongoose.mongo.MongoClient(url);
  const db = client.db(dbName);
  const connection = options.connection ? mongoose.createConnection() : undefined;
  let connected = false;

  beforeAll(async () => {
    await client.connect();
    connected = true;
    await connection?.openUri(url, { ...(options.connection === true ? {} : options.connection), dbName });
  });

  beforeEach(async () => {
    await db.dropDatabase();
  });

  afterAll(async () => {
    // Nothing to drop when connecting failed: beforeAll's error is the one to read.
    if (connected) await db.dropDatabase();
    await connection?.close();
    await client.close();
  });

  return { client, db, connection, runner: () => new MigrationRunner(db, migrations, { lockWaitMs: 5_000 }) };
}

import mongoose, { type Connection } from 'mongoose';
import { infraEnv } from './infra.js';

/** A connection to a database of a spec's own on the infrastructure's MongoDB-compatible server (`dbName` made unique by the caller). */
export function connectScratchDatabase(dbName: string): Promise<Connection> {
  return mongoose.createConnection(infraEnv().MONGO_URL, { dbName }).asPromise();
}

/** Drops a spec's own database and closes its connection; nothing when it never opened. */
export async function dropScratchDatabase(connection: Connection | undefined): Promise<void> {
  await connection?.dropDatabase();
  await connection?.close();
}

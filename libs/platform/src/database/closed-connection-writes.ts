import { createRequire } from 'node:module';
import mongoose from 'mongoose';

/**
 * The MongoDB driver (7.8, 7.9) encodes a command (`await toBin()`) between checking its connection
 * and writing to the socket. A connection that closes in that moment — the database restarting — gets
 * the write on a destroyed socket, which answers `false` and never `drain`s: the command waits for
 * ever. When that command is the server monitor's heartbeat, the monitor never checks again, the
 * server stays Unknown and every operation of the process fails server selection although the
 * database is back (the chaos run: booking-svc answered 503 DATABASE_UNAVAILABLE until restarted).
 * This makes a write fail with the connection's own error as soon as the connection closes, so the
 * heartbeat fails as it should, the pool is reset and the next heartbeat connects again.
 */
interface DriverConnection {
  id: number | string;
  address: string;
  error?: Error;
  once(event: string, listener: () => void): unknown;
  off(event: string, listener: () => void): unknown;
  writeCommand(command: unknown, options: unknown): Promise<void>;
}

// The driver mongoose uses (the one the services' connections are made with), not whichever is hoisted.
const requireFromMongoose = createRequire(createRequire(import.meta.url).resolve('mongoose'));
const { Connection } = requireFromMongoose('mongodb/lib/cmap/connection.js') as {
  Connection: { prototype: DriverConnection; CLOSE: string };
};
const writeCommand = Connection.prototype.writeCommand;

Connection.prototype.writeCommand = async function writeUntilClosed(this: DriverConnection, command: unknown, options: unknown): Promise<void> {
  let onClose!: () => void;
  const closed = new Promise<never>((_, reject) => {
    onClose = () => reject(this.error ?? new mongoose.mongo.MongoNetworkError(`connection ${this.id} to ${this.address} closed`));
    this.once(Connection.CLOSE, onClose);
  });
  try {
    return await Promise.race([writeCommand.call(this, command, options), closed]);
  } finally {
    this.off(Connection.CLOSE, onClose);
  }
};

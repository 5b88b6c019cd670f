import { jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import mongoose from 'mongoose';
import './closed-connection-writes.js';

const requireFromMongoose = createRequire(createRequire(import.meta.url).resolve('mongoose'));
const { makeSocket, makeConnection } = requireFromMongoose('mongodb/lib/cmap/connect.js');
const { OpMsgRequest, OpQueryRequest } = requireFromMongoose('mongodb/lib/cmap/commands.js');
const { HostAddress, MongoDBNamespace } = requireFromMongoose('mongodb/lib/utils.js');

/**
 * The driver's race this module closes: the connection closes while a command is being encoded, the
 * write then goes to a destroyed socket and, unpatched, the command never settles (for the server
 * monitor: never again a heartbeat). Driven on the real driver against a socket that is accepted and
 * never answered; the close is made to happen exactly in that moment.
 */
describe('a command whose connection closes before its write', () => {
  let server: Server;
  let port: number;

  const accepted: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => void accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    accepted.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fails with a network error instead of waiting for ever', async () => {
    const options = { hostAddress: HostAddress.fromString(`127.0.0.1:${port}`), connectTimeoutMS: 2000, id: '<monitor>', generation: 0 };
    const connection = makeConnection(options, await makeSocket(options));
    // The database goes away while the hello is being encoded (OP_QUERY before a handshake, OP_MSG after).
    for (const Request of [OpQueryRequest, OpMsgRequest]) {
      const toBin = Request.prototype.toBin;
      jest.spyOn(Request.prototype, 'toBin').mockImplementationOnce(async function (this: unknown) {
        connection.destroy();
        return toBin.call(this);
      });
    }
    const outcome = await Promise.race([
      connection.command(MongoDBNamespace.fromString('admin.$cmd'), { hello: 1 }, {}).then(
        () => 'answered',
        (error: Error) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3000)),
    ]);
    expect(outcome).toBeInstanceOf(mongoose.mongo.MongoNetworkError);
    expect((outcome as Error).message).toContain('closed');
  }, 10_000);
});

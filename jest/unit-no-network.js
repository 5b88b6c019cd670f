// The unit tier does no I/O: a spec that opens a network connection (a database, Kafka, an HTTP
// server) belongs to the integration tier (`*.integration.spec.ts`). Every connection a unit spec
// starts fails at once with that message; the patch is taken off after the spec file, so specs of
// other tiers run in the same process (--runInBand) are untouched.
import net from 'node:net';

const connect = net.Socket.prototype.connect;

beforeAll(() => {
  net.Socket.prototype.connect = function refuse() {
    throw new Error('a unit spec opened a network connection: name it *.integration.spec.ts (docs/testing.md)');
  };
});

afterAll(() => {
  net.Socket.prototype.connect = connect;
});

import { type Server as HttpServer, createServer as createHttpServer } from 'node:http';
import { type Server, type Socket, createServer } from 'node:net';

export interface Unresponsive {
  url: string;
  stop(): Promise<void>;
}

/** An HTTP server that accepts every request and never answers it: a service that hangs. */
export async function startHangingHttpServer(): Promise<Unresponsive> {
  const server: HttpServer = createHttpServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A Redis that completes a client's handshake (every command but a script is answered +OK, which
 * ioredis takes for a ready server) and then never answers a script: a hung Redis, whose commands
 * only a client-side timeout ends.
 */
export async function startSilentRedis(): Promise<Unresponsive> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      // Commands arrive as RESP arrays: *<n>\r\n$<len>\r\n<NAME>\r\n…
      for (const [, name] of chunk.toString('latin1').matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) if (!/^eval(sha)?$/i.test(name!)) socket.write('+OK\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A local port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

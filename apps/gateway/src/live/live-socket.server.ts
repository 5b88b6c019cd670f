import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WebSocket, WebSocketServer } from 'ws';
import { TokenVerifier } from '../auth/token-verifier.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { LiveFeed } from './live-feed.js';
import { CloseCode, MAX_CLIENT_MESSAGE_BYTES } from './live-socket.protocol.js';
import { LiveSocketSession } from './live-socket.session.js';

/** How long a shutdown waits for clients to answer the 1012 close before their sockets are cut. */
const CLOSE_WAIT_MS = 2000;

/**
 * The WebSocket side of the gateway's HTTP server. An upgrade request goes through Fastify like any
 * request — its hooks, the route it matches, the gateway's guards (the rate limits count it) — and
 * only the live socket route upgrades it (`accept`); any other answer goes out in HTTP and ends the
 * connection. Sockets that stop answering pings are dropped; at shutdown every socket is closed
 * with 1012 so its client reconnects to another replica.
 */
@Injectable()
export class LiveSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  private readonly upgrades = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer }>();
  /** Sockets that answered the last ping (or are new). */
  private readonly alive = new WeakSet<WebSocket>();
  private fastify?: FastifyInstance;
  private pings?: NodeJS.Timeout;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: GatewayConfig,
    private readonly feed: LiveFeed,
    private readonly verifier: TokenVerifier,
  ) {}

  onApplicationBootstrap(): void {
    this.fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    this.fastify.server.on('upgrade', this.route);
    this.pings = setInterval(() => this.ping(), this.config.SSE_HEARTBEAT_MS).unref();
  }

  /** Dispatches an upgrade request through Fastify, as the 'request' event does for any other. */
  private readonly route = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    if (!this.fastify) return void socket.destroy();
    this.upgrades.set(request, { socket, head });
    const response = new ServerResponse(request);
    response.shouldKeepAlive = false;
    response.assignSocket(socket as Socket);
    // Answered in HTTP (refused, or a route that is not a socket): the connection ends with the answer.
    response.on('finish', () => socket.destroy());
    this.fastify.routing(request, response);
  };

  /** Upgrades the request the live socket route let through; false when it did not ask for an upgrade. */
  accept(request: IncomingMessage, reply: FastifyReply): boolean {
    const upgrade = this.upgrades.get(request);
    if (!upgrade) return false;
    this.upgrades.delete(request);
    reply.hijack();
    this.sockets.handleUpgrade(request, upgrade.socket, upgrade.head, (socket) => {
      this.alive.add(socket);
      socket.on('pong', () => this.alive.add(socket));
      // ws reports protocol errors (an oversized message: 1009) and closes the socket itself.
      socket.on('error', () => undefined);
      new LiveSocketSession(socket, this.feed, this.verifier);
    });
    return true;
  }

  /** A socket that did not answer the previous ping is gone (a dead network path, a frozen client): cut it. */
  private ping(): void {
    for (const socket of this.sockets.clients) {
      if (!this.alive.has(socket)) {
        socket.terminate();
        continue;
      }
      this.alive.delete(socket);
      socket.ping();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.fastify?.server.off('upgrade', this.route);
    clearInterval(this.pings);
    const open = [...this.sockets.clients];
    const closed = Promise.all(open.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    for (const socket of open) socket.close(CloseCode.ServiceRestart, 'This server is restarting; reconnect with resumeAfter');
    await Promise.race([closed, delay(CLOSE_WAIT_MS, undefined, { ref: false })]);
    for (const socket of this.sockets.clients) socket.terminate();
    this.sockets.close();
  }
}

import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import { WebSocket } from 'ws';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { BookingStreamHub } from './booking-stream.hub.js';
import { LiveFeed } from './live-feed.js';
import { CloseCode, MAX_CLIENT_MESSAGES_PER_MINUTE } from './live-socket.protocol.js';
import { LiveSocketSession } from './live-socket.session.js';

/** A socket as the session sees it: messages in, sends and the close recorded. */
class RecordingSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  readonly sent: unknown[] = [];
  closedWith?: { code: number; reason: string };
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code: number, reason: string) {
    this.closedWith ??= { code, reason };
    this.readyState = WebSocket.CLOSED;
  }
}

describe('a live socket that sends too much', () => {
  it('is closed 1008 past its minute’s share of messages, and the extra ones never reach the token check', async () => {
    const socket = new RecordingSocket();
    const verifyToken = jest.fn(async () => ({ id: 'provider-x', role: 'provider' as const, expiresAt: Date.now() + 3_600_000 }));
    const session = new LiveSocketSession(socket as unknown as WebSocket, new LiveFeed(new BookingStreamHub(), new GatewayConfig()), {
      verifyToken,
    } as unknown as TokenVerifier);
    try {
      const auth = Buffer.from(JSON.stringify({ type: 'AUTH', token: 'a.b.c' }));
      const settled = () => new Promise((resolve) => setTimeout(resolve, 50));
      socket.emit('message', auth, false);
      await settled();
      expect(socket.sent).toEqual([{ type: 'READY', resumed: false }]);
      // Renewals are fine up to the minute's share; the flood past it closes the socket.
      for (let i = 1; i < MAX_CLIENT_MESSAGES_PER_MINUTE + 5; i++) socket.emit('message', auth, false);
      await settled();
      expect(socket.closedWith?.code).toBe(CloseCode.PolicyViolation);
      expect(socket.closedWith?.reason).toContain('messages a minute');
      expect(verifyToken.mock.calls.length).toBeLessThanOrEqual(MAX_CLIENT_MESSAGES_PER_MINUTE);
      expect(session).toBeDefined();
    } finally {
      socket.emit('close'); // the session lets go of its updates and timers
    }
  });
});

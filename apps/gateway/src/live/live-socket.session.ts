import { BehaviorSubject, map, merge, type Subscription, switchMap, takeUntil } from 'rxjs';
import { type RawData, WebSocket } from 'ws';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import type { LiveFeed } from './live-feed.js';
import { AUTH_TIMEOUT_MS, CloseCode, MAX_CLIENT_MESSAGES_PER_MINUTE, type ServerMessage, parseClientMessage, toUpdateMessage } from './live-socket.protocol.js';

/** Internal error: a bug while handling a client's message closes that socket, never the process. */
const INTERNAL_ERROR = 1011;

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/**
 * One live socket: it waits AUTH_TIMEOUT_MS for an AUTH message, then takes one of the user's live
 * places and carries their updates (replayed after `resumeAfter` first), heartbeats, and TOKEN_EXPIRED
 * at the token's expiry. A later AUTH for the same user extends it; anything else a client sends
 * closes it with the code that says why.
 */
export class LiveSocketSession {
  private user?: AuthenticatedUser;
  private release?: () => void;
  private feedSubscription?: Subscription;
  /** The connection's token expiry (epoch ms): a later AUTH moves it. */
  private readonly expiresAt = new BehaviorSubject<number | undefined>(undefined);
  /** Client messages are handled one at a time, in order. */
  private handled: Promise<void> = Promise.resolve();
  private readonly authDeadline: NodeJS.Timeout;
  private closed = false;
  /** When this socket's messages of the last minute arrived (at most MAX_CLIENT_MESSAGES_PER_MINUTE). */
  private readonly arrivals: number[] = [];

  constructor(
    private readonly socket: WebSocket,
    private readonly feed: LiveFeed,
    private readonly verifier: TokenVerifier,
  ) {
    this.authDeadline = setTimeout(() => this.close(CloseCode.Unauthenticated, `No AUTH message within ${AUTH_TIMEOUT_MS / 1000} s`), AUTH_TIMEOUT_MS);
    socket.on('message', (data, isBinary) => {
      if (this.tooMany())
        return this.close(CloseCode.PolicyViolation, `At most ${MAX_CLIENT_MESSAGES_PER_MINUTE} messages a minute: send AUTH again only to renew the token`);
      this.handled = this.handled.then(() => this.receive(data, isBinary)).catch(() => this.close(INTERNAL_ERROR, 'Internal error'));
    });
    socket.on('close', () => this.end());
  }

  /** Counts a message; true once the socket has sent more than its minute's share (none is queued then). */
  private tooMany(now: number = Date.now()): boolean {
    while (this.arrivals.length > 0 && this.arrivals[0]! <= now - 60_000) this.arrivals.shift();
    this.arrivals.push(now);
    return this.arrivals.length > MAX_CLIENT_MESSAGES_PER_MINUTE;
  }

  private async receive(data: RawData, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    const parsed = parseClientMessage(bytesOf(data), isBinary);
    if (!parsed.ok) return this.close(CloseCode.PolicyViolation, parsed.reason);
    const user = await this.verifier.verifyToken(parsed.message.token).catch(() => undefined);
    if (this.closed) return;
    if (!user) return this.close(CloseCode.Unauthenticated, 'The token is invalid or expired');
    if (!this.user) return this.start(user, parsed.message.resumeAfter);
    if (user.id !== this.user.id || user.role !== this.user.role) return this.close(CloseCode.Forbidden, 'The token is for another user than this connection');
    this.expiresAt.next(user.expiresAt);
  }

  private start(user: AuthenticatedUser, resumeAfter: string | undefined): void {
    clearTimeout(this.authDeadline);
    const release = this.feed.admit(user, 'websocket');
    if (!release) return this.close(CloseCode.TooManyConnections, `At most ${this.feed.maxConnectionsPerUser} live connections at once; close another first`);
    this.user = user;
    this.release = release;
    this.expiresAt.next(user.expiresAt);
    // READY (and RESYNC) go out before the first update; replay and live updates join in this same tick.
    const { resumed, updates } = this.feed.updatesFor(user, resumeAfter);
    this.send({ type: 'READY', resumed });
    if (resumeAfter && !resumed) this.send({ type: 'RESYNC' });
    const messages = merge(updates.pipe(map(toUpdateMessage)), this.feed.heartbeats().pipe(map((at): ServerMessage => ({ type: 'HEARTBEAT', at }))));
    const expiry = this.expiresAt.pipe(switchMap((at) => this.feed.expiryAt(at)));
    this.feedSubscription = messages.pipe(takeUntil(expiry)).subscribe({
      next: (message) => this.send(message),
      complete: () => {
        this.send({ type: 'TOKEN_EXPIRED' });
        this.close(CloseCode.Unauthenticated, 'The token expired; reconnect with a fresh one');
      },
    });
  }

  private send(message: ServerMessage): void {
    if (!this.closed && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private close(code: number, reason: string): void {
    if (this.closed) return;
    this.socket.close(code, reason);
    this.end();
  }

  /** Gives the user's place back and stops the updates, once, however the socket ended. */
  private end(): void {
    this.closed = true;
    clearTimeout(this.authDeadline);
    this.feedSubscription?.unsubscribe();
    this.expiresAt.complete();
    this.release?.();
    this.release = undefined;
  }
}

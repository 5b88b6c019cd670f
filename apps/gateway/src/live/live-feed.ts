import { Injectable } from '@nestjs/common';
import { gauge } from '@bp/platform';
import { defer, filter, interval, map, NEVER, type Observable, switchMap, timer } from 'rxjs';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { GatewayConfig } from '../config/gateway.config.js';
import { BookingStreamHub } from './booking-stream.hub.js';
import { type BookingUpdate, asSeenBy, isVisibleTo } from './booking-update.js';

/** setTimeout's longest delay: a longer one fires at once, so far expiries are waited for in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * What every live connection — the SSE stream and the WebSocket alike — gets from this replica: its
 * place among the user's connections, the user's updates as they may see them (resumed after an
 * update they already have), heartbeats, and the moment its token runs out. The transports only
 * frame these.
 */
@Injectable()
export class LiveFeed {
  private readonly open = gauge('gateway_live_connections', 'Live connections open on this replica (SSE streams, WebSockets past AUTH)', ['transport']);

  constructor(
    private readonly hub: BookingStreamHub,
    private readonly config: GatewayConfig,
  ) {}

  get maxConnectionsPerUser(): number {
    return this.config.SSE_MAX_STREAMS_PER_USER;
  }

  /** Takes one of the user's live places (SSE streams and sockets counted together); undefined when they hold them all. */
  admit(user: AuthenticatedUser, transport: 'sse' | 'websocket'): (() => void) | undefined {
    const release = this.hub.open(`${user.role}:${user.id}`, this.config.SSE_MAX_STREAMS_PER_USER);
    if (!release) return undefined;
    this.open.inc({ transport });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      this.open.dec({ transport });
    };
  }

  /**
   * The updates `user` may see, cut to what they may know; those after `resumeAfter` first when this
   * replica still has it (`resumed`), with nothing lost between replay and live.
   */
  updatesFor(user: AuthenticatedUser, resumeAfter?: string): { resumed: boolean; updates: Observable<BookingUpdate> } {
    const stream = this.hub.stream(resumeAfter);
    return {
      resumed: stream.resumed,
      updates: stream.updates.pipe(
        filter((update) => isVisibleTo(update, user)),
        map((update) => asSeenBy(update, user)),
      ),
    };
  }

  /** The time, every SSE_HEARTBEAT_MS: keeps proxies from closing an idle connection and tells the client it is alive. */
  heartbeats(): Observable<string> {
    return interval(this.config.SSE_HEARTBEAT_MS).pipe(map(() => new Date().toISOString()));
  }

  /** Emits once when a token expiring at `expiresAt` (epoch ms) has expired; never for a token without expiry. */
  expiryAt(expiresAt: number | undefined): Observable<unknown> {
    if (expiresAt === undefined) return NEVER;
    return defer(() => {
      const left = expiresAt - Date.now();
      return left > LONGEST_TIMER_MS ? timer(LONGEST_TIMER_MS).pipe(switchMap(() => this.expiryAt(expiresAt))) : timer(Math.max(0, left));
    });
  }

  /** Emits once when this replica shuts down. */
  shuttingDown(): Observable<void> {
    return this.hub.shuttingDown();
  }
}

// The gateway's live-update WebSocket (GET /api/live/ws), as the portal speaks it: plain functions,
// so the protocol decisions are tested without a browser.

export const BOOKING_UPDATE_TYPES = [
  'NEW_BOOKING_REQUEST',
  'BOOKING_CONFIRMED',
  'BOOKING_CANCELLED',
  'BOOKING_EXPIRED',
  'BOOKING_DECLINED',
  'RESCHEDULE_PROPOSED',
  'RESCHEDULE_ACCEPTED',
  'RESCHEDULE_DECLINED',
  'BOOKING_UPDATED',
] as const;
export type BookingUpdateType = (typeof BOOKING_UPDATE_TYPES)[number];

export interface BookingUpdate {
  type: BookingUpdateType;
  id: string;
  event: string;
  bookingId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export type ServerMessage = { type: 'READY'; resumed: boolean } | { type: 'RESYNC' } | { type: 'HEARTBEAT' } | { type: 'TOKEN_EXPIRED' } | BookingUpdate;

/** Close codes the gateway uses, and what the portal does about each. */
export const CLOSE = { SERVER_RESTART: 1012, AUTH: 4401, WRONG_USER: 4403, TOO_MANY: 4429 } as const;

export type CloseDecision = 'reconnect' | 'stop';

/**
 * After 4401 only a token that is still valid is worth another try (the AUTH may have come too late);
 * an expired one waits for a new sign-in, which opens a new connection. 4403 (another user's token
 * on this connection) is never retried. Anything else — 1012 restart, 4429 too many, 1011, a
 * dropped network — reconnects with backoff.
 */
export function closeDecision(code: number, tokenExpiresAt: number, now = Date.now()): CloseDecision {
  if (code === CLOSE.AUTH) return tokenExpiresAt - now > 5_000 ? 'reconnect' : 'stop';
  if (code === CLOSE.WRONG_USER) return 'stop';
  return 'reconnect';
}

/** Whether an update is worth a toast: a patient merely holding a slot during checkout is not (the booking that follows is). */
export function announces(update: BookingUpdate): boolean {
  return update.event !== 'SlotReserved';
}

export function parseServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== 'string') return null;
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!message || typeof message !== 'object') return null;
  const { type } = message as { type?: unknown };
  if (type === 'READY' || type === 'RESYNC' || type === 'HEARTBEAT' || type === 'TOKEN_EXPIRED') return message as ServerMessage;
  if (BOOKING_UPDATE_TYPES.includes(type as BookingUpdateType)) {
    const update = message as Partial<BookingUpdate>;
    if (typeof update.id === 'string' && typeof update.bookingId === 'string') return { ...update, data: update.data ?? {} } as BookingUpdate;
  }
  return null;
}

/** Exponential backoff with jitter: 0.5 s doubling to 30 s (4429, too many connections: at least 10 s). */
export function reconnectDelayMs(attempt: number, closeCode?: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 500 * 2 ** Math.min(attempt, 10));
  const delay = ceiling / 2 + random() * (ceiling / 2);
  return closeCode === CLOSE.TOO_MANY ? Math.max(delay, 10_000) : delay;
}

export function authMessage(token: string, resumeAfter: string | null): string {
  return JSON.stringify({ type: 'AUTH', token, ...(resumeAfter ? { resumeAfter } : {}) });
}

export function liveUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live/ws`;
}

/** What the toast says about an update (no patient details: a toast may be read out in a waiting room). */
export function describeUpdate(update: BookingUpdate): string {
  switch (update.type) {
    case 'NEW_BOOKING_REQUEST':
      return 'New booking request received';
    case 'BOOKING_CONFIRMED':
      return 'A booking was confirmed';
    case 'BOOKING_CANCELLED':
      return 'A booking was cancelled';
    case 'BOOKING_EXPIRED':
      return 'A booking request expired';
    case 'BOOKING_DECLINED':
      return 'A booking request was declined';
    case 'RESCHEDULE_PROPOSED':
      return 'A new time was proposed';
    case 'RESCHEDULE_ACCEPTED':
      return 'The patient accepted the new time';
    case 'RESCHEDULE_DECLINED':
      return 'The patient declined the new time';
    case 'BOOKING_UPDATED':
      return 'A booking was updated';
  }
}

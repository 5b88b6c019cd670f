import WebSocket from 'ws';
import { waitFor } from '@bp/testing';

/** A message the gateway's live socket sent (docs/gateway-api.md "Live updates"). */
export interface LiveMessage {
  type: string;
  id?: string;
  event?: string;
  bookingId?: string;
  occurredAt?: string;
  at?: string;
  resumed?: boolean;
  data?: Record<string, unknown>;
}

export interface LiveSocket {
  /** Every message received so far, in order. */
  messages: LiveMessage[];
  /** Resolves with the close code and reason once the socket closed (1006 when it was cut). */
  closed: Promise<{ code: number; reason: string }>;
  /** Sends once the socket is open (a string as it is, anything else as JSON). */
  send(message: unknown): void;
  /** The first message (from the start) that `matches`, waited for up to `timeoutMs`. */
  next(matches: (message: LiveMessage) => boolean, describe: string, timeoutMs?: number): Promise<LiveMessage>;
  close(): void;
}

export interface LiveSocketOptions {
  /** Sent as the first message once the socket is open. */
  auth?: { token: string; resumeAfter?: string };
  /** false: the client does not answer pings (a frozen client). */
  autoPong?: boolean;
  headers?: Record<string, string>;
}

function liveSocketUrl(gatewayUrl: string): string {
  return `${gatewayUrl.replace(/^http/, 'ws')}/api/live/ws`;
}

/** A browser-like client of `GET /api/live/ws` (the `ws` package), collecting what it receives. */
export function openLiveSocket(gatewayUrl: string, options: LiveSocketOptions = {}): LiveSocket {
  const socket = new WebSocket(liveSocketUrl(gatewayUrl), { autoPong: options.autoPong ?? true, headers: options.headers ?? {} });
  const messages: LiveMessage[] = [];
  socket.on('open', () => {
    if (options.auth) socket.send(JSON.stringify({ type: 'AUTH', ...options.auth }));
  });
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as LiveMessage));
  socket.on('error', () => undefined); // the close says how it ended
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return {
    messages,
    closed,
    send: (message) => void opened.then(() => socket.send(typeof message === 'string' ? message : JSON.stringify(message))),
    next: (matches, describe, timeoutMs = 20_000) =>
      waitFor(
        () => messages.find(matches),
        timeoutMs,
        () => `${describe}; received: ${JSON.stringify(messages.filter((m) => m.type !== 'HEARTBEAT'))}`,
      ),
    close: () => socket.close(),
  };
}

/** The HTTP answer to an upgrade request the gateway refused (no socket opened), or 101 when it opened one. */
export function upgradeAnswer(gatewayUrl: string): Promise<{ status: number; retryAfter?: string; body?: any }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(liveSocketUrl(gatewayUrl));
    socket.on('open', () => {
      socket.close();
      resolve({ status: 101 });
    });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] as string | undefined, body: JSON.parse(body || 'null') }),
      );
    });
    socket.on('error', reject);
  });
}

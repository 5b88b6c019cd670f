import { plainToInstance } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength, validateSync } from 'class-validator';
import type { BookingStatusChanged } from '@bp/contracts';
import type { BookingUpdate } from './booking-update.js';

/**
 * The live socket's protocol (`GET /api/live/ws`, docs/gateway-api.md "Live updates"): JSON text
 * messages both ways. The client's first message authenticates; the server then sends READY, RESYNC
 * when it could not resume, the updates, heartbeats, and TOKEN_EXPIRED before closing at the
 * token's expiry.
 */

/** The client's one message: its bearer token, first within AUTH_TIMEOUT_MS; again later (same user) to extend the connection. */
export class AuthMessage {
  @IsIn(['AUTH'])
  type: 'AUTH';

  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  token: string;

  /** The id of the last update the client has: what came after it is sent first. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  resumeAfter?: string;
}

/** How long a new socket may stay silent before it must have sent its AUTH. */
export const AUTH_TIMEOUT_MS = 5000;

/** The largest message a client may send (a token with room to spare); a larger one closes the socket with 1009. */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;
/**
 * Messages one socket may send in a minute: a client sends AUTH once and again only to renew its token
 * (once every few minutes), so more is a client gone wrong or one spending the gateway's token checks.
 */
export const MAX_CLIENT_MESSAGES_PER_MINUTE = 10;

export const CloseCode = {
  /** Malformed or unexpected client message. */
  PolicyViolation: 1008,
  /** Client message over MAX_CLIENT_MESSAGE_BYTES (ws closes with it by itself). */
  MessageTooBig: 1009,
  /** The replica is shutting down: reconnect (to any replica) with resumeAfter. */
  ServiceRestart: 1012,
  /** No, a bad, or a late AUTH; or the token expired. */
  Unauthenticated: 4401,
  /** A later AUTH for another user or role than the connection's. */
  Forbidden: 4403,
  /** The user already holds SSE_MAX_STREAMS_PER_USER live connections on this replica. */
  TooManyConnections: 4429,
} as const;

export type UpdateMessageType =
  | 'NEW_BOOKING_REQUEST'
  | 'BOOKING_CONFIRMED'
  | 'BOOKING_CANCELLED'
  | 'BOOKING_EXPIRED'
  | 'BOOKING_DECLINED'
  | 'RESCHEDULE_PROPOSED'
  | 'RESCHEDULE_ACCEPTED'
  | 'RESCHEDULE_DECLINED'
  | 'BOOKING_UPDATED';

export interface UpdateMessage {
  type: UpdateMessageType;
  /** The event id: what a client passes as resumeAfter. */
  id: string;
  /** The domain event's type (SlotReserved, BookingStatusChanged). */
  event: string;
  /** The aggregate the event is about: the booking (a reservation's id for SlotReserved). */
  bookingId: string;
  occurredAt: string;
  data: object;
}

export type ServerMessage =
  { type: 'READY'; resumed: boolean } | { type: 'RESYNC' } | { type: 'HEARTBEAT'; at: string } | { type: 'TOKEN_EXPIRED' } | UpdateMessage;

/** The close reason for any message that is not a valid AUTH (a close reason is at most 123 bytes). */
const EXPECTED = 'Expected a JSON text message {"type":"AUTH","token":"…","resumeAfter":"…"}';

export type ParsedClientMessage = { ok: true; message: AuthMessage } | { ok: false; reason: string };

/** A client message, validated like any request body (unknown fields refused); never throws. */
export function parseClientMessage(data: Buffer | string, isBinary: boolean): ParsedClientMessage {
  if (isBinary) return { ok: false, reason: EXPECTED };
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString());
  } catch {
    return { ok: false, reason: EXPECTED };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: EXPECTED };
  const message = plainToInstance(AuthMessage, raw);
  const errors = validateSync(message, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) return { ok: false, reason: EXPECTED };
  return { ok: true, message };
}

type StatusChange = Pick<BookingStatusChanged, 'reason' | 'status' | 'previousStatus' | 'autoConfirm'>;

/** The reasons (booking-svc's audit entry types) that name a message whatever the status. */
const BY_REASON: Partial<Record<string, UpdateMessageType>> = {
  declined: 'BOOKING_DECLINED',
  reschedule_proposed: 'RESCHEDULE_PROPOSED',
  reschedule_accepted: 'RESCHEDULE_ACCEPTED',
  reschedule_declined: 'RESCHEDULE_DECLINED',
};

/**
 * What a booking event means to a client. A declined request or reschedule also ends the booking
 * (cancelled_provider, cancelled_patient) but is named for the answer; otherwise the status the
 * booking reached decides. A request is new to its provider once the card is held (an auto-confirmed
 * one is a booking, not a request); a booking is confirmed when it reaches `confirmed` (the capture
 * landed), not when the provider said yes. Anything else — a reservation, a payment step, a check-in —
 * is BOOKING_UPDATED.
 */
export function messageTypeOf(update: Pick<BookingUpdate, 'type' | 'payload'>): UpdateMessageType {
  if (update.type !== 'BookingStatusChanged') return 'BOOKING_UPDATED';
  const change = update.payload as StatusChange;
  const named = BY_REASON[change.reason];
  if (named) return named;
  if (change.reason === 'payment_held' && change.status === 'pending_confirmation' && !change.autoConfirm) return 'NEW_BOOKING_REQUEST';
  if (change.status === change.previousStatus) return 'BOOKING_UPDATED';
  if (change.status === 'confirmed') return 'BOOKING_CONFIRMED';
  if (change.status === 'expired') return 'BOOKING_EXPIRED';
  if (change.status.startsWith('cancelled_')) return 'BOOKING_CANCELLED';
  return 'BOOKING_UPDATED';
}

/** An update as the socket carries it (`update` already cut to what its viewer may see). */
export function toUpdateMessage(update: BookingUpdate): UpdateMessage {
  return { type: messageTypeOf(update), id: update.id, event: update.type, bookingId: update.aggregateId, occurredAt: update.occurredAt, data: update.payload };
}

import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type InternalCall, InternalHttpClient, success } from '@bp/platform';
import { GatewayConfig } from '../config/gateway.config.js';

export type Upstream = 'booking' | 'payment' | 'calendar' | 'notification' | 'scheduler';

export interface Forward {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  idempotencyKey?: string;
}

/** Encodes a query object as the owning service expects it (arrays as repeated keys). */
function queryString(query: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of [value].flat()) if (item !== undefined && item !== null && item !== '') params.append(key, String(item));
  }
  const encoded = params.toString();
  return encoded ? `?${encoded}` : '';
}

/**
 * The gateway's one way to reach an owning service: internal HTTP with a timeout, the caller's
 * request id, actor and idempotency key (InternalHttpClient). The service's answer keeps its status;
 * its error envelope is relayed with the same status and code.
 */
@Injectable()
export class Upstreams {
  constructor(
    private readonly internal: InternalHttpClient,
    private readonly config: GatewayConfig,
  ) {}

  async fetch<T>(upstream: Upstream, forward: Forward): Promise<{ status: number; data: T }> {
    return this.internal.exchange<T>(this.call(upstream, forward));
  }

  private call(upstream: Upstream, forward: Forward): InternalCall {
    return {
      method: forward.method,
      service: `${upstream}-svc`,
      baseUrl: {
        booking: this.config.BOOKING_SVC_URL,
        payment: this.config.PAYMENT_SVC_URL,
        calendar: this.config.CALENDAR_SVC_URL,
        notification: this.config.NOTIFICATION_SVC_URL,
        scheduler: this.config.SCHEDULER_SVC_URL,
      }[upstream],
      path: `${forward.path}${queryString(forward.query)}`,
      ...(forward.body === undefined ? {} : { body: forward.body }),
      ...(forward.idempotencyKey ? { idempotencyKey: forward.idempotencyKey } : {}),
      timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
    };
  }

  /**
   * Forwards and answers with the service's status and data in the gateway's envelope, shaped by
   * `present`; without `present`, the service's envelope goes out as the text it sent (same request
   * id, no second parse and serialisation of a large answer).
   */
  async relay<T>(reply: FastifyReply, upstream: Upstream, forward: Forward, present?: (data: T) => unknown) {
    if (!present) {
      const { status, text } = await this.internal.exchangeText(this.call(upstream, forward));
      void reply.status(status).type('application/json; charset=utf-8');
      return text;
    }
    const { status, data } = await this.fetch<T>(upstream, forward);
    void reply.status(status);
    return success(present(data));
  }
}

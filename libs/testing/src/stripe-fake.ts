import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  capture_method: string;
  status: string;
  metadata: Record<string, string>;
  transfer_group?: string;
  latest_charge: null;
}

/** The card that stripe's test mode declines; any other payment method authorises. */
export const DECLINED_CARD = 'pm_card_chargeDeclined';

/**
 * A stateful stand-in for the part of Stripe's API payment-svc uses, for sequences stripe-mock (which is
 * stateless) cannot show: intents keep their status across calls, and an Idempotency-Key replays the
 * first answer exactly as Stripe does. Speaks Stripe's form-encoded requests and JSON answers, so the
 * real SDK talks to it unchanged (STRIPE_API_BASE).
 */
export class StripeFake {
  readonly intents = new Map<string, FakeIntent>();
  readonly refunds: Array<{ id: string; payment_intent: string; amount: number }> = [];
  /** Every request as received (path and idempotency key), for assertions. */
  readonly requests: Array<{ method: string; path: string; idempotencyKey?: string }> = [];
  private readonly replies = new Map<string, { status: number; body: unknown }>();
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  intentsFor(bookingId: string): FakeIntent[] {
    return [...this.intents.values()].filter((i) => i.metadata['bookingId'] === bookingId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const params = new URLSearchParams(raw);
    const key = req.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key : undefined;
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', ...(idempotencyKey ? { idempotencyKey } : {}) });
    const replay = idempotencyKey ? this.replies.get(idempotencyKey) : undefined;
    const reply = replay ?? this.route(req.method ?? '', req.url ?? '', params);
    if (idempotencyKey && !replay) this.replies.set(idempotencyKey, reply);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'request-id': `req_${randomUUID()}`,
      ...(replay ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(JSON.stringify(reply.body));
  }

  private route(method: string, path: string, params: URLSearchParams): { status: number; body: unknown } {
    const metadata = Object.fromEntries([...params].filter(([k]) => k.startsWith('metadata[')).map(([k, v]) => [k.slice(9, -1), v]));
    if (method === 'POST' && path === '/v1/payment_intents') {
      const intent: FakeIntent = {
        id: `pi_fake_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
        object: 'payment_intent',
        amount: Number(params.get('amount')),
        amount_received: 0,
        currency: params.get('currency') ?? 'usd',
        capture_method: params.get('capture_method') ?? 'automatic',
        status: 'requires_payment_method',
        metadata,
        ...(params.get('transfer_group') ? { transfer_group: params.get('transfer_group') ?? '' } : {}),
        latest_charge: null,
      };
      this.intents.set(intent.id, intent);
      if (params.get('payment_method') === DECLINED_CARD) {
        return {
          status: 402,
          body: {
            error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', payment_intent: intent },
          },
        };
      }
      intent.status = intent.capture_method === 'manual' ? 'requires_capture' : 'succeeded';
      if (intent.status === 'succeeded') intent.amount_received = intent.amount;
      return { status: 200, body: intent };
    }
    const action = path.match(/^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/);
    if (method === 'POST' && action) {
      const intent = this.intents.get(action[1] ?? '');
      if (!intent) return this.invalid(`No such payment_intent: '${action[1]}'`, 404);
      if (intent.status !== 'requires_capture') return this.invalid(`This PaymentIntent's status is ${intent.status}`, 400);
      if (action[2] === 'capture') {
        intent.amount_received = Number(params.get('amount_to_capture') ?? intent.amount);
        intent.status = 'succeeded';
      } else intent.status = 'canceled';
      return { status: 200, body: intent };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = this.intents.get(params.get('payment_intent') ?? '');
      if (!intent || intent.status !== 'succeeded') return this.invalid('Nothing to refund', 400);
      const refund = {
        id: `re_fake_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
        object: 'refund',
        payment_intent: intent.id,
        amount: Number(params.get('amount')),
        status: 'succeeded',
      };
      this.refunds.push(refund);
      return { status: 200, body: refund };
    }
    return this.invalid(`Unrecognized request URL (${method}: ${path})`, 404);
  }

  private invalid(message: string, status: number) {
    return { status, body: { error: { type: 'invalid_request_error', message } } };
  }
}

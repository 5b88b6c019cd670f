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
  cancellation_reason?: string;
  latest_charge: string | null;
  customer?: string;
  payment_method?: string;
  client_secret?: string;
  next_action?: { type: string } | null;
  last_payment_error?: { code: string; message: string } | null;
}

/** A saved card: what Stripe keeps of it, and how the fake's card network treats it. */
export interface FakeCard {
  id: string;
  object: 'payment_method';
  type: 'card';
  card: { brand: string; last4: string; exp_month: number; exp_year: number };
  customer: string | null;
  created: number;
}

export type CardBehaviour = 'authorises' | 'requires_authentication' | 'declines';

export interface FakeTransfer {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  currency: string;
  destination: string;
  transfer_group?: string;
  metadata: Record<string, string>;
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
  readonly customers = new Map<string, { id: string; object: 'customer'; metadata: Record<string, string> }>();
  readonly cards = new Map<string, FakeCard>();
  private readonly cardBehaviour = new Map<string, CardBehaviour>();
  readonly refunds: Array<{ id: string; payment_intent: string; amount: number }> = [];
  readonly transfers: FakeTransfer[] = [];
  readonly reversals: Array<{ id: string; transfer: string; amount: number }> = [];
  /** Intents whose charge the cardholder disputes: Stripe refuses to refund them (400 `charge_disputed`). */
  readonly disputedIntents = new Set<string>();
  private failures?: { count: number; method: string; path: string };
  private declines?: { method: string; path: string };
  private delays?: { ms: number; method: string; path: string };
  /** How long a card authorisation lasts (Stripe: about 7 days); a test shortens it to watch holds lapse. */
  holdLifetimeMs = 7 * 86_400_000;
  private readonly captureBefore = new Map<string, number>();
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

  /** The next `count` requests to this endpoint fail with a 500 before doing anything, as Stripe does in an incident. */
  failNext(count: number, method: string, path: string): void {
    this.failures = { count, method, path };
  }

  /** The next new request to this endpoint is declined by the card network (402 card_error), remembered under its key as Stripe does. */
  declineNext(method: string, path: string): void {
    this.declines = { method, path };
  }

  /** The next request to this endpoint is answered only after `ms` (a slow card network): what happens meanwhile is the test. */
  delayNext(ms: number, method: string, path: string): void {
    this.delays = { ms, method, path };
  }

  /**
   * What the patient's app does with a SetupIntent: a card saved to the customer. `behaves` says how the
   * card network will treat it: authorises, asks for 3-D Secure first, or declines.
   */
  saveCard(customerId: string, options: { last4?: string; brand?: string; behaves?: CardBehaviour } = {}): string {
    const id = `pm_fake_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const card = { brand: options.brand ?? 'visa', last4: options.last4 ?? '4242', exp_month: 12, exp_year: 2034 };
    this.cards.set(id, { id, object: 'payment_method', type: 'card', card, customer: customerId, created: Date.now() / 1000 + this.cards.size });
    this.cardBehaviour.set(id, options.behaves ?? 'authorises');
    return id;
  }

  /**
   * The cardholder completes (or fails) 3-D Secure in the app: the intent is authorised, or goes back to
   * needing a payment method. Returns the intent, for the webhook event Stripe would send.
   */
  authenticate(paymentIntentId: string, succeeds: boolean): FakeIntent {
    const intent = this.intents.get(paymentIntentId);
    if (!intent || intent.status !== 'requires_action') throw new Error(`no intent ${paymentIntentId} waiting for authentication`);
    intent.next_action = null;
    if (succeeds) {
      intent.status = intent.capture_method === 'manual' ? 'requires_capture' : 'succeeded';
      if (intent.status === 'succeeded') intent.amount_received = intent.amount;
      else this.captureBefore.set(intent.id, Date.now() + this.holdLifetimeMs);
      intent.latest_charge = `ch_${intent.id.slice(3)}`;
    } else {
      intent.status = 'requires_payment_method';
      intent.last_payment_error = { code: 'payment_intent_authentication_failure', message: 'The cardholder did not authenticate the payment.' };
    }
    return intent;
  }

  /** Ends an authorisation now, as the card network does when it lapses: Stripe cancels the intent. */
  lapse(paymentIntentId: string): void {
    this.captureBefore.set(paymentIntentId, Date.now() - 1000);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.lapseDue();
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const params = new URLSearchParams(raw);
    const key = req.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key : undefined;
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', ...(idempotencyKey ? { idempotencyKey } : {}) });
    if (this.failures && this.failures.count > 0 && req.method === this.failures.method && req.url === this.failures.path) {
      this.failures.count--;
      res.writeHead(500, { 'content-type': 'application/json', 'request-id': `req_${randomUUID()}` });
      res.end(JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred' } }));
      return;
    }
    if (this.delays && req.method === this.delays.method && req.url === this.delays.path) {
      const { ms } = this.delays;
      this.delays = undefined;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    const replay = idempotencyKey ? this.replies.get(idempotencyKey) : undefined;
    const declined = !replay && this.declines?.method === req.method && this.declines?.path === req.url;
    if (declined) this.declines = undefined;
    const reply = replay ?? (declined ? this.decline() : this.route(req.method ?? '', req.url ?? '', params));
    if (idempotencyKey && !replay) this.replies.set(idempotencyKey, reply);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'request-id': `req_${randomUUID()}`,
      ...(replay ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(JSON.stringify(reply.body));
  }

  private lapseDue(): void {
    for (const intent of this.intents.values()) {
      const deadline = this.captureBefore.get(intent.id);
      if (intent.status === 'requires_capture' && deadline !== undefined && deadline <= Date.now()) {
        intent.status = 'canceled';
        intent.cancellation_reason = 'automatic';
      }
    }
  }

  /** The intent as Stripe shows it, with its charge expanded when asked (capture_before is on the charge). */
  private view(intent: FakeIntent, expand: boolean): unknown {
    const deadline = this.captureBefore.get(intent.id);
    if (!expand || deadline === undefined) return intent;
    const chargeId = `ch_${intent.id.slice(3)}`;
    return {
      ...intent,
      latest_charge: { id: chargeId, object: 'charge', payment_method_details: { type: 'card', card: { capture_before: Math.floor(deadline / 1000) } } },
    };
  }

  private route(method: string, rawPath: string, params: URLSearchParams): { status: number; body: unknown } {
    const [path = '', query = ''] = rawPath.split('?');
    const expand = [...params, ...new URLSearchParams(query)].some(([key, value]) => /^expand\[\d*\]$/.test(key) && value === 'latest_charge');
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
        ...(params.get('customer') ? { customer: params.get('customer') ?? '' } : {}),
        ...(params.get('payment_method') ? { payment_method: params.get('payment_method') ?? '' } : {}),
      };
      this.intents.set(intent.id, intent);
      const behaviour = this.cardBehaviour.get(params.get('payment_method') ?? '');
      if (behaviour === 'requires_authentication') {
        intent.status = 'requires_action';
        intent.client_secret = `${intent.id}_secret_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
        intent.next_action = { type: 'use_stripe_sdk' };
        return { status: 200, body: this.view(intent, expand) };
      }
      if (params.get('payment_method') === DECLINED_CARD || behaviour === 'declines') {
        return {
          status: 402,
          body: {
            error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', payment_intent: intent },
          },
        };
      }
      intent.status = intent.capture_method === 'manual' ? 'requires_capture' : 'succeeded';
      if (intent.status === 'succeeded') intent.amount_received = intent.amount;
      else this.captureBefore.set(intent.id, Date.now() + this.holdLifetimeMs);
      intent.latest_charge = `ch_${intent.id.slice(3)}`;
      return { status: 200, body: this.view(intent, expand) };
    }
    if (method === 'POST' && path === '/v1/customers') {
      const customer = { id: `cus_fake_${randomUUID().replaceAll('-', '').slice(0, 14)}`, object: 'customer' as const, metadata };
      this.customers.set(customer.id, customer);
      return { status: 200, body: customer };
    }
    if (method === 'POST' && path === '/v1/setup_intents') {
      const id = `seti_fake_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const customer = params.get('customer') ?? '';
      if (!this.customers.has(customer)) return this.invalid(`No such customer: '${customer}'`, 400, 'resource_missing');
      return {
        status: 200,
        body: {
          id,
          object: 'setup_intent',
          client_secret: `${id}_secret_${randomUUID().slice(0, 8)}`,
          status: 'requires_payment_method',
          customer,
          usage: params.get('usage'),
        },
      };
    }
    if (method === 'GET' && path === '/v1/payment_methods') {
      const customer = new URLSearchParams(query).get('customer');
      const data = [...this.cards.values()].filter((c) => c.customer === customer).sort((a, b) => b.created - a.created);
      return { status: 200, body: { object: 'list', data, has_more: false, url: '/v1/payment_methods' } };
    }
    const card = path.match(/^\/v1\/payment_methods\/([^/]+?)(\/detach)?$/);
    if (card) {
      const found = this.cards.get(card[1] ?? '');
      if (!found) return this.invalid(`No such PaymentMethod: '${card[1]}'`, 404, 'resource_missing');
      if (method === 'POST' && card[2]) found.customer = null;
      return { status: 200, body: found };
    }
    const read = path.match(/^\/v1\/payment_intents\/([^/]+)$/);
    if (method === 'GET' && read) {
      const intent = this.intents.get(read[1] ?? '');
      return intent ? { status: 200, body: this.view(intent, expand) } : this.invalid(`No such payment_intent: '${read[1]}'`, 404);
    }
    if (method === 'POST' && path === '/v1/transfers') {
      const transfer: FakeTransfer = {
        id: `tr_fake_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
        object: 'transfer',
        amount: Number(params.get('amount')),
        amount_reversed: 0,
        currency: params.get('currency') ?? 'usd',
        destination: params.get('destination') ?? '',
        ...(params.get('transfer_group') ? { transfer_group: params.get('transfer_group') ?? '' } : {}),
        metadata,
      };
      this.transfers.push(transfer);
      return { status: 200, body: transfer };
    }
    const reversal = path.match(/^\/v1\/transfers\/([^/]+)\/reversals$/);
    if (method === 'POST' && reversal) {
      const transfer = this.transfers.find((t) => t.id === reversal[1]);
      const amount = Number(params.get('amount'));
      if (!transfer) return this.invalid(`No such transfer: '${reversal[1]}'`, 404);
      if (amount > transfer.amount - transfer.amount_reversed) return this.invalid('Reversal exceeds the transfer', 400);
      transfer.amount_reversed += amount;
      const created = { id: `trr_fake_${randomUUID().replaceAll('-', '').slice(0, 16)}`, object: 'transfer_reversal', transfer: transfer.id, amount };
      this.reversals.push(created);
      return { status: 200, body: created };
    }
    const action = path.match(/^\/v1\/payment_intents\/([^/]+)\/(capture|cancel)$/);
    if (method === 'POST' && action) {
      const intent = this.intents.get(action[1] ?? '');
      if (!intent) return this.invalid(`No such payment_intent: '${action[1]}'`, 404);
      // Stripe captures only an authorised intent, and cancels any that is not finished yet.
      const allowed =
        action[2] === 'capture' ? ['requires_capture'] : ['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture'];
      if (!allowed.includes(intent.status)) return this.invalid(`This PaymentIntent's status is ${intent.status}`, 400, 'payment_intent_unexpected_state');
      if (action[2] === 'capture') {
        intent.amount_received = Number(params.get('amount_to_capture') ?? intent.amount);
        intent.status = 'succeeded';
      } else intent.status = 'canceled';
      return { status: 200, body: this.view(intent, expand) };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const intent = this.intents.get(params.get('payment_intent') ?? '');
      if (!intent || intent.status !== 'succeeded') return this.invalid('Nothing to refund', 400);
      if (this.disputedIntents.has(intent.id)) return this.invalid(`The charge of ${intent.id} is disputed; it cannot be refunded.`, 400, 'charge_disputed');
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

  private decline() {
    return {
      status: 402,
      body: { error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } },
    };
  }

  private invalid(message: string, status: number, code?: string) {
    return { status, body: { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}) } } };
  }
}

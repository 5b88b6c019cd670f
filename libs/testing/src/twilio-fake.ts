import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

/** An SMS as Twilio accepted it. */
export interface TwilioMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
}

/**
 * A stand-in for the part of Twilio's REST API that sends SMS: `POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP basic auth and a form body, answered
 * with the Message resource (201) or Twilio's error body ({code, message, more_info, status}) — 401
 * 20003 for bad credentials, 400 21211 for an invalid number, and injected failures.
 */
export class TwilioFake {
  readonly accountSid = `AC${randomBytes(16).toString('hex')}`;
  readonly authToken = randomBytes(16).toString('hex');
  readonly messages: TwilioMessage[] = [];
  private failures: Array<{ status: number; code: number }> = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The next `count` sends fail with this status and Twilio error code (503/20503: Twilio unavailable). */
  failNext(count: number, status = 503, code = 20503): void {
    this.failures.push(...Array.from({ length: count }, () => ({ status, code })));
  }

  receivedBy(phone: string): TwilioMessage[] {
    return this.messages.filter((message) => message.to === phone);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const [status, body] = this.route(req, new URLSearchParams(raw));
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private route(req: IncomingMessage, form: URLSearchParams): [number, unknown] {
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec((req.url ?? '').split('?')[0] ?? '');
    if (req.method !== 'POST' || !match) return this.error(404, 20404, 'The requested resource was not found');
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected || match[1] !== this.accountSid) return this.error(401, 20003, 'Authenticate');
    const failure = this.failures.shift();
    if (failure) return this.error(failure.status, failure.code, 'Service unavailable');
    const to = form.get('To') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return this.error(400, 21211, "The 'To' number is not a valid phone number.");
    if (!form.get('From') && !form.get('MessagingServiceSid')) return this.error(400, 21603, "A 'From' phone number is required.");
    if (!form.get('Body')) return this.error(400, 21602, 'Message body is required.');
    const message: TwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to,
      from: form.get('From'),
      messagingServiceSid: form.get('MessagingServiceSid'),
      body: form.get('Body')!,
    };
    this.messages.push(message);
    const now = new Date().toUTCString();
    return [
      201,
      {
        sid: message.sid,
        account_sid: this.accountSid,
        to: message.to,
        from: message.from,
        messaging_service_sid: message.messagingServiceSid,
        body: message.body,
        status: 'queued',
        direction: 'outbound-api',
        num_segments: '1',
        num_media: '0',
        api_version: '2010-04-01',
        date_created: now,
        date_updated: now,
        date_sent: null,
        price: null,
        error_code: null,
        error_message: null,
        uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${message.sid}.json`,
      },
    ];
  }

  private error(status: number, code: number, message: string): [number, unknown] {
    return [status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }];
  }
}

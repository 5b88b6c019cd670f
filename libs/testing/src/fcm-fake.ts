import { createVerify, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

/** A push as FCM received it, with the access token it was authorised by. */
export interface FcmMessage {
  token: string;
  notification?: { title?: string; body?: string };
  data?: Record<string, string>;
  accessToken: string;
}

/**
 * A stand-in for Firebase Cloud Messaging's HTTP v1 API and Google's OAuth2 token endpoint, enough
 * for a real client: `POST /token` takes a service account's signed JWT assertion (checked against
 * the key this fake issued) and answers an access token; `POST /v1/projects/{id}/messages:send`
 * needs a live access token and answers as FCM does — the message name, 404 UNREGISTERED for an
 * unregistered token, 400 INVALID_ARGUMENT for a malformed message, and injected outages.
 */
export class FcmFake {
  readonly projectId = 'bp-test-project';
  readonly clientEmail = 'notifications@bp-test-project.iam.gserviceaccount.com';
  readonly messages: FcmMessage[] = [];
  /** Access tokens issued, in order. */
  readonly issuedTokens: string[] = [];
  /** Sends refused with 401 for want of a live access token. */
  unauthorized = 0;
  /** How long an issued access token lives; clients renew one within 5 minutes of its end. */
  tokenLifetimeSeconds = 3600;
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly keyId = randomBytes(20).toString('hex');
  private readonly liveTokens = new Map<string, number>();
  private readonly unregistered = new Set<string>();
  private failures: Array<{ status: number; errorStatus: string }> = [];
  private server?: Server;
  private url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** A service account key file as Google issues it, whose token_uri is this fake's token endpoint. */
  serviceAccountJson(): string {
    return JSON.stringify({
      type: 'service_account',
      project_id: this.projectId,
      private_key_id: this.keyId,
      private_key: this.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: this.clientEmail,
      client_id: '100000000000000000001',
      token_uri: `${this.url}/token`,
    });
  }

  /** Every access token issued so far stops working (revoked, or a rotated key): sends with one get 401. */
  revokeAccessTokens(): void {
    this.liveTokens.clear();
  }

  /** The device's app was uninstalled: FCM answers 404 UNREGISTERED for its token from now on. */
  unregister(token: string): void {
    this.unregistered.add(token);
  }

  /** The next `count` sends fail with this status (503 UNAVAILABLE: an FCM outage). */
  failNext(count: number, status = 503, errorStatus = 'UNAVAILABLE'): void {
    this.failures.push(...Array.from({ length: count }, () => ({ status, errorStatus })));
  }

  receivedBy(token: string): FcmMessage[] {
    return this.messages.filter((message) => message.token === token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/token') return reply(...this.token(new URLSearchParams(raw)));
    const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path ?? '');
    if (req.method === 'POST' && send) return reply(...this.send(send[1]!, req.headers.authorization ?? '', raw));
    reply(404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });
  }

  private token(form: URLSearchParams): [number, unknown] {
    const [header, payload, signature] = (form.get('assertion') ?? '').split('.');
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !header || !payload || !signature)
      return [400, { error: 'invalid_grant', error_description: 'Invalid JWT assertion' }];
    const verifier = createVerify('RSA-SHA256').update(`${header}.${payload}`);
    if (!verifier.verify(this.keys.publicKey, Buffer.from(signature, 'base64url')))
      return [400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; scope?: string; exp?: number };
    if (claims.iss !== this.clientEmail || !claims.scope?.split(' ').includes(FCM_SCOPE) || (claims.exp ?? 0) * 1000 < Date.now())
      return [400, { error: 'invalid_grant', error_description: 'Invalid issuer, scope or expiry' }];
    const accessToken = `ya29.fake-${randomUUID()}`;
    this.liveTokens.set(accessToken, Date.now() + this.tokenLifetimeSeconds * 1000);
    this.issuedTokens.push(accessToken);
    return [200, { access_token: accessToken, expires_in: this.tokenLifetimeSeconds, token_type: 'Bearer' }];
  }

  private send(projectId: string, authorization: string, raw: string): [number, unknown] {
    const accessToken = authorization.replace(/^Bearer /, '');
    const expiresAt = this.liveTokens.get(accessToken);
    if (!expiresAt || expiresAt < Date.now()) {
      this.unauthorized++;
      return [401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }];
    }
    if (projectId !== this.projectId) return [403, { error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' } }];
    const failure = this.failures.shift();
    if (failure) return [failure.status, { error: { code: failure.status, message: 'The service is currently unavailable.', status: failure.errorStatus } }];
    const message = (JSON.parse(raw || '{}') as { message?: Omit<FcmMessage, 'accessToken'> }).message;
    const dataOk = Object.values(message?.data ?? {}).every((value) => typeof value === 'string');
    if (!message?.token || !dataOk) return [400, this.fcmError(400, 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token')];
    if (this.unregistered.has(message.token)) return [404, this.fcmError(404, 'UNREGISTERED', 'Requested entity was not found.')];
    this.messages.push({ ...message, accessToken });
    return [200, { name: `projects/${this.projectId}/messages/0:${Date.now()}%${randomBytes(8).toString('hex')}` }];
  }

  private fcmError(code: number, errorCode: string, message: string) {
    const status = code === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT';
    return { error: { code, message, status, details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] } };
  }
}

import { randomUUID } from 'node:crypto';
import { developmentSigningKey, requestLine, signInternalToken } from '@bp/platform';

export type ActorType = 'patient' | 'provider' | 'admin' | 'system';
export interface TestActor {
  type: ActorType;
  id: string;
}

export interface Answer<T = any> {
  status: number;
  body: { success: boolean; data?: T; error?: { code: string; message: string; details?: any } };
}

const serviceNames = new Map<string, Promise<string>>();

/** Which service answers at a URL (its /health/live says), for the audience of the tokens sent to it. */
function serviceAt(baseUrl: string): Promise<string> {
  if (!serviceNames.has(baseUrl))
    serviceNames.set(
      baseUrl,
      fetch(`${baseUrl}/health/live`).then(async (response) => ((await response.json()) as { service: string }).service),
    );
  return serviceNames.get(baseUrl)!;
}

/**
 * The headers of an internal call as the gateway makes it: a token signed with the gateway's
 * development key for that service, request and actor (system:gateway when there is none).
 */
export async function internalHeaders(baseUrl: string, method: string, path: string, actor: TestActor | undefined): Promise<Record<string, string>> {
  const token = signInternalToken(developmentSigningKey('gateway'), {
    iss: 'gateway',
    aud: await serviceAt(baseUrl),
    act: actor ?? { type: 'system', id: 'gateway' },
    req: requestLine(method, path),
  });
  return { 'x-internal-token': token };
}

/** A call to a service's internal API as the gateway makes it: signed token, actor, idempotency key. */
export async function internalCall<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  actor: TestActor | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(await internalHeaders(baseUrl, method, path, actor)),
      ...(method === 'GET' ? {} : { 'x-idempotency-key': randomUUID() }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer<T>['body'] };
}

export const ROUND_THE_CLOCK = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((day) => [day, [{ start: '00:00', end: '24:00' }]]));

/** A provider on booking-svc that works every hour of every day, so tests can book any time in the window. */
export async function createProvider(bookingSvcUrl: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; actor: TestActor }> {
  const id = `provider-${randomUUID()}`;
  const actor = { type: 'provider' as const, id };
  const answer = await internalCall(
    bookingSvcUrl,
    'PUT',
    `/internal/providers/${id}`,
    { type: 'admin', id: 'test-admin' },
    {
      timezone: 'America/Denver',
      services: [{ id: 'svc-consult', name: 'Consultation', category: 'general', durationMinutes: 30, priceCents: 10_000 }],
      weeklyHours: ROUND_THE_CLOCK,
      overrides: [],
      settings: { minimumNoticeHours: 1, bufferMinutes: 15 },
      ...overrides,
    },
  );
  if (answer.status !== 201) throw new Error(`provider not created: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { id, actor };
}

/** A slot start `hoursAhead` from now, on a 5-minute boundary. */
export function slotStart(hoursAhead: number, minuteOffset = 0): Date {
  const granule = 5 * 60_000;
  return new Date(Math.ceil((Date.now() + hoursAhead * 3_600_000) / granule) * granule + minuteOffset * 60_000);
}

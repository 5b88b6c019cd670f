import { randomUUID } from 'node:crypto';

export interface GatewayAnswer {
  status: number;
  body: any;
}

/** A client app's call to the public API: bearer token, a fresh idempotency key on mutations, JSON in and out. */
export async function gatewayCall(gatewayUrl: string, token: string, method: string, path: string, body?: unknown): Promise<GatewayAnswer> {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(method === 'GET' ? {} : { 'x-idempotency-key': `k-${randomUUID()}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

// The portal's one way to call the gateway: bearer token, a fresh X-Idempotency-Key on each mutation,
// the envelope unwrapped, failures as ApiRequestError with the fields they concern.

export interface FieldError {
  field: string;
  messages: string[];
}

/** A refused call: the envelope's code and message, and per-field messages for forms (400 fields, 422 problems). */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { fields?: FieldError[]; problems?: string[]; [key: string]: unknown },
  ) {
    super(message);
  }

  /** Messages by field path (`bufferMinutes`, `autoConfirm.maxDailyAutoConfirm`): validation fields, and domain problems naming their field first. */
  fieldMessages(): Record<string, string> {
    const byField: Record<string, string> = {};
    for (const { field, messages } of this.details?.fields ?? []) byField[field] = messages.join('; ');
    for (const problem of this.details?.problems ?? []) {
      const field = /^([A-Za-z0-9_.[\]]+) /.exec(problem)?.[1];
      if (field) byField[field] = byField[field] ? `${byField[field]}; ${problem}` : problem;
    }
    return byField;
  }
}

export interface ApiClient {
  get<T>(path: string, query?: Record<string, string | number | string[] | undefined>): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function createApiClient(options: { token: () => string | null; onUnauthenticated: () => void; fetch?: typeof fetch }): ApiClient {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = options.token();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (method !== 'GET') headers['x-idempotency-key'] = `portal-${crypto.randomUUID()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await doFetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const envelope = (await response.json().catch(() => null)) as {
      success?: boolean;
      data?: T;
      error?: { code: string; message: string; details?: never };
    } | null;
    if (response.ok && envelope?.success) return envelope.data as T;
    if (response.status === 401) options.onUnauthenticated();
    const error = envelope?.error;
    throw new ApiRequestError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `The server answered ${response.status}`, error?.details);
  }
  return {
    get: (path, query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query ?? {})) {
        if (value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) params.append(key, String(one));
      }
      const search = params.toString();
      return call('GET', search ? `${path}?${search}` : path);
    },
    send: (method, path, body) => call(method, path, body),
  };
}

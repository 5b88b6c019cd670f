import { requestContext } from '../context/request-context.js';

export const API_VERSION = '1.0';

export interface ApiMeta {
  requestId: string;
  timestamp: string;
  version: string;
}

export interface ApiSuccess<T> {
  success: true;
  data: T;
  meta: ApiMeta;
}

export interface ApiFailure {
  success: false;
  error: { code: string; message: string; details?: unknown };
  meta: ApiMeta;
}

export function apiMeta(): ApiMeta {
  return { requestId: requestContext.current()?.requestId ?? 'unknown', timestamp: new Date().toISOString(), version: API_VERSION };
}

export function success<T>(data: T): ApiSuccess<T> {
  return { success: true, data, meta: apiMeta() };
}

export function failure(code: string, message: string, details?: unknown): ApiFailure {
  return { success: false, error: { code, message, ...(details === undefined ? {} : { details }) }, meta: apiMeta() };
}

/**
 * An error meant for the HTTP caller, with a stable code from the spec's error envelope. Interface
 * layers translate domain errors into this; domain code never throws it. `retryAfterSeconds` (429,
 * 503) is sent as the Retry-After header.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

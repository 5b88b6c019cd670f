import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { ResponseContractName } from '@bp/contracts';
import { IDEMPOTENCY_KEY_PARAMETER } from './request-headers.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (VALIDATION_FAILED lists each field), a missing or malformed X-Idempotency-Key (IDEMPOTENCY_KEY_REQUIRED), or an X-Timezone that is not an IANA zone (INVALID_TIMEZONE)',
  401: 'No valid bearer token (UNAUTHENTICATED)',
  403: 'The caller’s role may not do this (FORBIDDEN)',
  404: 'No such object, or not the caller’s (existence is not revealed)',
  409: 'The object is not in a state that allows this, a concurrent change won, or the first request with this X-Idempotency-Key still runs',
  410: 'The reservation, request or verification code has expired (or is void)',
  413: 'The body is too large (PAYLOAD_TOO_LARGE)',
  422: 'Well-formed but refused by a business rule (a list cursor this API did not give out, a slot outside the booking window…), or an idempotency key reused with a different body',
  426: 'The client app is older than the supported minimum (CLIENT_UPGRADE_REQUIRED)',
  429: 'Rate limited (RATE_LIMITED): retry after the seconds in Retry-After',
  502: 'A dependent service or Stripe failed',
  503: 'Temporarily unavailable: OVERLOADED (the platform is saturated; retry after the seconds in Retry-After), a kill switch such as BOOKINGS_DISABLED, or a dependency down',
  504: 'A dependent service did not answer in time',
};

/** The success answer: the spec's envelope around `data` of the named response contract (@bp/contracts RESPONSE_CONTRACTS). */
export function ApiData(status: number, schema: ResponseContractName, description: string): MethodDecorator {
  return ApiResponse({
    status,
    description,
    schema: {
      type: 'object',
      required: ['success', 'data', 'meta'],
      properties: { success: { type: 'boolean', enum: [true] }, data: ref(schema), meta: ref('Meta') },
    },
  });
}

/** Error answers in the error envelope. */
export function ApiFailures(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error', schema: ref('ErrorEnvelope') })),
  );
}

/** What every route of the public API may answer besides its own outcomes, signed in or not. */
const COMMON_FAILURES = [400, 413, 426, 429, 502, 503, 504] as const;

/** What every public route may answer besides its own outcomes; and the bearer token it needs (401 without). */
export function ApiPublicRoute(): ClassDecorator {
  return applyDecorators(ApiBearerAuth(), ApiFailures(...COMMON_FAILURES, 401));
}

/** A route anyone may call, with no bearer token: the same common answers, no 401. */
export function ApiAnonymousRoute(): ClassDecorator {
  return ApiFailures(...COMMON_FAILURES);
}

/**
 * A mutating route: X-Idempotency-Key is required (a retry with the same key and body replays the
 * answer; another body is 422 IDEMPOTENCY_KEY_REUSED, a retry while the first still runs 409
 * IDEMPOTENCY_KEY_IN_PROGRESS).
 */
export function ApiMutation(): MethodDecorator {
  const { name, required, description, schema } = IDEMPOTENCY_KEY_PARAMETER;
  return applyDecorators(ApiHeader({ name, required, description, schema: { ...schema } }), ApiFailures(409, 422));
}

/** Query parameters from a validated query class (its class-validator rules, as JSON Schema). */
export function ApiQueryFrom(target: new () => object): MethodDecorator {
  const schema = targetConstructorToSchema(target) as { properties?: Record<string, object>; required?: string[] };
  return applyDecorators(
    ...Object.entries(schema.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: schema.required?.includes(name) ?? false, schema: property }),
    ),
  );
}

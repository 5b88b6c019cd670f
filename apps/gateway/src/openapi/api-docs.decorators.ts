import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { targetConstructorToSchema } from 'class-validator-jsonschema';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (VALIDATION_FAILED lists each field), a missing X-Idempotency-Key, or a bad header',
  401: 'No valid bearer token (UNAUTHENTICATED)',
  403: 'The caller’s role may not do this (FORBIDDEN)',
  404: 'No such object, or not the caller’s (existence is not revealed)',
  409: 'The object is not in a state that allows this, or a concurrent change won',
  410: 'The reservation, request or verification code has expired (or is void)',
  413: 'The body is too large (PAYLOAD_TOO_LARGE)',
  422: 'Well-formed but refused by a business rule, or an idempotency key reused with a different body',
  426: 'The client app is older than the supported minimum (CLIENT_UPGRADE_REQUIRED)',
  429: 'Rate limited (RATE_LIMITED): retry after the seconds in Retry-After',
  502: 'A dependent service or Stripe failed',
  503: 'Temporarily unavailable: OVERLOADED (the platform is saturated; retry after the seconds in Retry-After), a kill switch such as BOOKINGS_DISABLED, or a dependency down',
  504: 'A dependent service did not answer in time',
};

/** The success answer: the spec's envelope around `data` of the named schema. */
export function ApiData(status: number, schema: string, description: string): MethodDecorator {
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

/** What every public route may answer besides its own outcomes; and the bearer token it needs. */
export function ApiPublicRoute(): ClassDecorator {
  return applyDecorators(ApiBearerAuth(), ApiFailures(400, 401, 413, 426, 429, 502, 503, 504));
}

/** A mutating route: X-Idempotency-Key is required (a retry with the same key and body replays the answer). */
export function ApiMutation(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'X-Idempotency-Key',
      required: true,
      description: '8–128 characters of A–Z a–z 0–9 . _ : -; a retry with the same key and body gets the first answer',
    }),
    ApiFailures(422),
  );
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

import { isIanaTimeZone } from '@bp/contracts';

/**
 * The zones X-Timezone accepts, as the document's enum: every canonical IANA name this runtime's time
 * zone data knows (the same data the gateway checks the header against), and UTC.
 */
function ianaZones(): string[] {
  return [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])].filter(isIanaTimeZone).sort();
}

/** The headers every public route reads, as reusable OpenAPI parameters (components.parameters). */
export const COMMON_HEADER_PARAMETERS = {
  XRequestId: {
    name: 'X-Request-ID',
    in: 'header',
    required: false,
    schema: { type: 'string' },
    description:
      'Echoed in the answer and its meta.requestId when it is 1–128 characters of A–Z a–z 0–9 . _ : -; anything else (or none) is replaced by a generated id, never refused',
  },
  XClientVersion: {
    name: 'X-Client-Version',
    in: 'header',
    required: false,
    schema: { type: 'string', example: '2.4.0' },
    description: 'The app version (x.y.z); below the deployment’s minimum, or not x.y.z while one is set: 426 CLIENT_UPGRADE_REQUIRED',
  },
  XTimezone: {
    name: 'X-Timezone',
    in: 'header',
    required: false,
    schema: { type: 'string', enum: ianaZones(), example: 'Europe/Berlin' },
    description: 'An IANA time zone for local times in answers; any other value: 400 INVALID_TIMEZONE',
  },
} as const;

/** X-Idempotency-Key as every mutating route requires it. */
export const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'X-Idempotency-Key',
  in: 'header',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{8,128}$' },
  description: 'Required (missing or malformed: 400 IDEMPOTENCY_KEY_REQUIRED); a retry with the same key and body gets the first answer, another body 422',
} as const;

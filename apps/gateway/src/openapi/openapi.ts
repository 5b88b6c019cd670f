import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
// @ts-expect-error class-transformer ships this module's types under types/, not next to cjs/
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import '@bp/contracts'; // registers every request class's validation rules before the schemas are read
import { ERROR_ENVELOPE, META, RESPONSE_SCHEMAS } from './response-schemas.js';

const COMMON_HEADERS = [
  { name: 'X-Request-ID', in: 'header', required: false, schema: { type: 'string', maxLength: 128 }, description: 'Echoed; generated when absent' },
  {
    name: 'X-Client-Version',
    in: 'header',
    required: false,
    schema: { type: 'string', example: '2.4.0' },
    description: 'The app version; 426 below the minimum',
  },
  {
    name: 'X-Timezone',
    in: 'header',
    required: false,
    schema: { type: 'string', example: 'Europe/Berlin' },
    description: 'IANA zone for local times in answers',
  },
] as const;

/**
 * The OpenAPI 3 document, generated from the controllers (routes, parameters, responses) and the
 * request classes' own validation rules (request schemas), with the response and envelope schemas.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Booking platform API')
    .setDescription('Instant and request bookings with payment holds. Every answer uses the envelope {success, data | error, meta}.')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  // Request classes refuse unknown fields (whitelist + forbidNonWhitelisted): the schemas say so.
  const requestSchemas = Object.fromEntries(
    Object.entries(validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/', classTransformerMetadataStorage: defaultMetadataStorage })).map(
      ([name, schema]) => [name, { ...schema, additionalProperties: false }],
    ),
  );
  const schemas: Record<string, unknown> = {
    ...document.components?.schemas,
    ...requestSchemas,
    ...RESPONSE_SCHEMAS,
    ErrorEnvelope: ERROR_ENVELOPE,
    Meta: META,
  };
  // The public API only: internal, health and metrics routes are not part of it.
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/api/')));
  document.components = { ...document.components, schemas: reachableSchemas(document.paths, schemas) as NonNullable<OpenAPIObject['components']>['schemas'] };
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ parameters?: unknown[] }>) {
      if (typeof operation !== 'object' || !operation || !('responses' in operation)) continue;
      operation.parameters = [...(operation.parameters ?? []), ...COMMON_HEADERS];
    }
  }
  return document;
}

/** The schemas the paths refer to, directly or through other schemas (contracts also define internal message classes). */
function reachableSchemas(paths: unknown, schemas: Record<string, unknown>): Record<string, unknown> {
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = value.replace('#/components/schemas/', '');
        if (!reached.has(name)) {
          reached.add(name);
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(paths);
  return Object.fromEntries([...reached].sort().map((name) => [name, schemas[name]]));
}

/** Serves the document at /docs-json and a UI at /docs. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
}

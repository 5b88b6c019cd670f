import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
// @ts-expect-error class-transformer ships this module's types under types/, not next to cjs/
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { RESPONSE_CONTRACTS } from '@bp/contracts';
import { MAX_PATH_PARAMETER_LENGTH } from '@bp/platform'; // importing it also registers every request class's validation rules
import { COMMON_HEADER_PARAMETERS } from './request-headers.js';

type Components = NonNullable<OpenAPIObject['components']>;

const URI_TOO_LONG = {
  description: `A path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters (URI_TOO_LONG)`,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
};

/**
 * The OpenAPI 3 document, generated: routes, parameters and answers from the controllers' decorators;
 * request schemas from the request classes' own validation rules; response schemas from the response
 * contracts (@bp/contracts RESPONSE_CONTRACTS), the same schemas the services' views are typed by.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Booking platform API')
    .setDescription(
      'Instant and request bookings with payment holds. Every answer uses the envelope {success, data | error, meta}. ' +
        'A method a path does not serve answers 405 METHOD_NOT_ALLOWED with an Allow header listing those it does; an unknown path 404 NOT_FOUND.',
    )
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
  // A JSON round trip leaves TypeBox's symbol-keyed bookkeeping behind: plain JSON Schema.
  const responseSchemas = JSON.parse(JSON.stringify(RESPONSE_CONTRACTS)) as Record<string, unknown>;
  const schemas: Record<string, unknown> = { ...document.components?.schemas, ...requestSchemas, ...responseSchemas };
  // The public API only: internal, health and metrics routes are not part of it.
  document.paths = Object.fromEntries(Object.entries(document.paths).filter(([path]) => path.startsWith('/api/')));
  const headerRefs = Object.keys(COMMON_HEADER_PARAMETERS).map((name) => ({ $ref: `#/components/parameters/${name}` }));
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ parameters?: unknown[]; responses: Record<string, unknown> }>) {
      if (typeof operation !== 'object' || !operation || !('responses' in operation)) continue;
      // The router refuses a longer path parameter (414) before any guard runs: its length is part of the contract.
      const pathParameters = (operation.parameters ?? []).filter((parameter) => (parameter as { in?: string }).in === 'path') as Array<{ schema?: object }>;
      // Every id the API gives out is printable ASCII; the router's limit counts the percent-encoded text.
      for (const parameter of pathParameters) parameter.schema = { ...parameter.schema, pattern: '^[!-~]+$', maxLength: MAX_PATH_PARAMETER_LENGTH };
      if (pathParameters.length > 0) operation.responses['414'] = URI_TOO_LONG;
      operation.parameters = [...(operation.parameters ?? []), ...headerRefs];
    }
  }
  document.components = {
    ...document.components,
    schemas: reachableSchemas(document.paths, schemas) as Components['schemas'],
    parameters: COMMON_HEADER_PARAMETERS as unknown as Components['parameters'],
  };
  return document;
}

/** The schemas the paths refer to, directly or through other schemas (contracts also define internal message classes). */
function reachableSchemas(paths: unknown, schemas: Record<string, unknown>): Record<string, unknown> {
  const reached = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
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

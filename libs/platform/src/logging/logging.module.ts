import { RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import { requestContext } from '../context/request-context.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-ID when it is well-formed, otherwise a new one; written back so every layer reads the same. */
export function requestIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  req.headers['x-request-id'] = id;
  return id;
}

/** Fields that must never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
];

@Module({
  imports: [
    LoggerModule.forRoot({
      // The same route pattern as the request-context middleware (Nest 12 on Fastify).
      forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
      pinoHttp: {
        level: process.env['LOG_LEVEL'] ?? 'info',
        messageKey: 'message',
        base: { service: process.env['SERVICE_NAME'] },
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        genReqId: (req: IncomingMessage, res: ServerResponse) => {
          const id = requestIdOf(req);
          res.setHeader('X-Request-ID', id);
          return id;
        },
        // The client app's version (X-Client-Version) on every request log line, bounded and plain.
        customProps: (req: IncomingMessage) => {
          const version = req.headers['x-client-version'];
          return typeof version === 'string' && /^[\w.+-]{1,32}$/.test(version) ? { clientVersion: version } : {};
        },
        mixin: () => {
          const span = trace.getActiveSpan()?.spanContext();
          const ctx = requestContext.current();
          return { ...(ctx ? { requestId: ctx.requestId } : {}), ...(span ? { traceId: span.traceId, spanId: span.spanId } : {}) };
        },
        autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') === true || req.url === '/metrics' },
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      },
    }),
  ],
})
export class LoggingModule {}

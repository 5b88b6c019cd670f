import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { requestIdOf } from '../logging/logging.module.js';
import { requestContext } from './request-context.js';

/** Opens the request's context (request id) for everything the request does, and echoes the id. */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const requestId = requestIdOf(req);
    res.setHeader('X-Request-ID', requestId);
    requestContext.run({ requestId }, next);
  }
}

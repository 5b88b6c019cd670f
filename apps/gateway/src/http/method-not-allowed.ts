import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { failure } from '@bp/platform';

const METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * The methods served at this path (the router's own lookup, as for a real request), in a fixed order.
 * Like OpenAPI's path matching, the most specific route wins: at /api/bookings/reserve-slot that is
 * POST reserve-slot, not GET /api/bookings/:id with id "reserve-slot".
 */
export function allowedMethods(fastify: Pick<FastifyInstance, 'findRoute'>, url: string): HTTPMethods[] {
  const path = url.split('?', 1)[0] ?? url;
  const served = METHODS.flatMap((method) => {
    const route = fastify.findRoute({ method, url: path });
    return route ? [{ method, parameters: Object.keys(route.params ?? {}).length }] : [];
  });
  const fewest = Math.min(...served.map((route) => route.parameters));
  return served.filter((route) => route.parameters === fewest).map((route) => route.method);
}

/**
 * A request to a path the gateway serves, with a method it does not serve there, answers 405
 * METHOD_NOT_ALLOWED with `Allow` listing the methods it does, in the usual error envelope; a path
 * served by no method stays 404 NOT_FOUND (Nest's not-found handler). Decided before anything else
 * runs for a request no route matched, so no guard or handler sees it.
 */
export function answerWrongMethodsWith405(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.is404) return;
    const allowed = allowedMethods(fastify, request.url);
    if (allowed.length === 0) return;
    const body = failure('METHOD_NOT_ALLOWED', `${request.method} is not served at this path; it serves ${allowed.join(', ')}`);
    return reply
      .code(405)
      .header('Allow', allowed.join(', '))
      .header('X-Request-ID', String(request.id))
      .send({ ...body, meta: { ...body.meta, requestId: String(request.id) } });
  });
}

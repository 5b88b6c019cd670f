import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config/gateway.config.js';
import { portalCsp } from './portal-csp.js';

export const PORTAL_PREFIX = '/portal/';
/** Vite names every built asset after its content hash, so a cached copy is never stale. */
const HASHED_ASSETS = `${PORTAL_PREFIX}assets/`;
/** Where `node scripts/build.mjs` puts the built portal: dist/apps/portal, beside this app's dist/apps/gateway. */
export function defaultPortalDir(): string {
  return fileURLToPath(new URL('../../../portal/', import.meta.url));
}

/**
 * Serves the provider portal and admin dashboard (apps/portal, built by Vite) at /portal/: hashed
 * assets cached for a year, index.html never cached and answered for every client route (the SPA
 * decides), all of it under the strict CSP above. Not part of the API (no rate limit, no OpenAPI).
 */
export async function servePortal(app: INestApplication, config: Pick<GatewayConfig, 'PORTAL_DIR'>): Promise<void> {
  const root = config.PORTAL_DIR ?? defaultPortalDir();
  const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
  if (!existsSync(join(root, 'index.html'))) {
    process.stderr.write(`gateway: no portal build in ${root} (node scripts/build.mjs builds it); /portal/ is not served\n`);
    return;
  }
  await fastify.register(async (scope) => {
    scope.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
      reply.header('content-security-policy', portalCsp(request.headers.host));
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      return payload;
    });
    await scope.register(fastifyStatic, {
      root,
      prefix: PORTAL_PREFIX,
      wildcard: false,
      index: false,
      setHeaders: (reply, path) =>
        reply.header('cache-control', path.includes(`${join(root, 'assets')}/`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
    scope.get('/portal', (_request, reply) => reply.redirect(PORTAL_PREFIX, 301));
    // Client routes (/portal/pending, /portal/settings, …) get the app; a missing asset stays a 404.
    scope.get(`${PORTAL_PREFIX}*`, (request, reply) => {
      if (request.url.startsWith(HASHED_ASSETS)) return reply.code(404).type('text/plain').send('Not found');
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  });
}

import type { KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { developmentSecretsAllowed } from '../config/secret.js';
import { ServiceConfig } from '../config/service.config.js';
import type { Actor } from './actor.js';
import { ApiError } from './api-envelope.js';
import {
  PLATFORM_SERVICES,
  developmentSigningKey,
  publicKeyText,
  requestLine,
  signInternalToken,
  signingKeyFrom,
  verifyInternalToken,
  verifyingKeyFrom,
} from './internal-token.js';

/** The only caller that speaks for users (patients, providers, admins); any other service speaks only for itself. */
const USER_FACING_CALLER = 'gateway';

/** `name=<base64 SPKI>` pairs, comma-separated. */
function parseCallerKeys(setting: string): Map<string, KeyObject> {
  const callers = new Map<string, KeyObject>();
  for (const entry of setting
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim();
    if (at <= 0 || !name) throw new Error(`INTERNAL_CALLER_KEYS: "${entry.slice(0, 24)}…" is not name=<base64 public key>`);
    try {
      callers.set(name, verifyingKeyFrom(entry.slice(at + 1).trim()));
    } catch (error) {
      throw new Error(`INTERNAL_CALLER_KEYS: the key of ${name} is not a base64 Ed25519 public key (${(error as Error).message})`);
    }
  }
  return callers;
}

/**
 * This service's identity on internal calls: the key it signs its calls with (INTERNAL_SIGNING_KEY),
 * and the callers whose calls it accepts (INTERNAL_CALLER_KEYS). Outside production either may be
 * unset: the service then uses the development key derived from its name, and accepts every platform
 * service's. In production a development key is refused, a service without a signing key cannot
 * call others (InternalHttpClient refuses to start), and one without caller keys accepts no call
 * (docs/security.md).
 */
@Injectable()
export class InternalIdentity {
  readonly name: string;
  private readonly signingKey?: KeyObject;
  private readonly callers: ReadonlyMap<string, KeyObject>;

  constructor(config: ServiceConfig) {
    this.name = process.env['SERVICE_NAME'] ?? 'service';
    const development = developmentSecretsAllowed(process.env);
    this.signingKey = config.INTERNAL_SIGNING_KEY ? signingKeyFrom(config.INTERNAL_SIGNING_KEY) : development ? developmentSigningKey(this.name) : undefined;
    this.callers = config.INTERNAL_CALLER_KEYS
      ? parseCallerKeys(config.INTERNAL_CALLER_KEYS)
      : new Map(development ? PLATFORM_SERVICES.map((service) => [service, developmentSigningKey(service)] as const) : []);
    if (!development) this.refuseDevelopmentKeys();
  }

  private refuseDevelopmentKeys(): void {
    const development = new Set(PLATFORM_SERVICES.map((service) => publicKeyText(developmentSigningKey(service))));
    if (this.signingKey && development.has(publicKeyText(this.signingKey))) throw new Error('INTERNAL_SIGNING_KEY: a development key, refused in production');
    for (const [caller, key] of this.callers)
      if (development.has(publicKeyText(key))) throw new Error(`INTERNAL_CALLER_KEYS: the key of ${caller} is a development key, refused in production`);
  }

  /** For a service that calls others: fails its start, not its first call, when it has no key. */
  assertCanSign(): void {
    if (!this.signingKey) throw new Error(`INTERNAL_SIGNING_KEY: required in production to call other services (${this.name} does)`);
  }

  /** The token for one call to `audience` on behalf of `actor`. */
  tokenFor(audience: string, actor: Actor, method: string, pathAndQuery: string): string {
    this.assertCanSign();
    return signInternalToken(this.signingKey!, { iss: this.name, aud: audience, act: actor, req: requestLine(method, pathAndQuery) });
  }

  /** Who is calling and on whose behalf, from a token for this service and this request; 401 or 403 otherwise. */
  authenticate(token: string | undefined, method: string, pathAndQuery: string): { caller: string; actor: Actor } {
    if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'Internal call without its token');
    const outcome = verifyInternalToken(token, { audience: this.name, request: requestLine(method, pathAndQuery), callers: this.callers });
    if ('problem' in outcome) throw new ApiError(401, 'UNAUTHENTICATED', `Internal token refused: ${outcome.problem}`);
    const { iss: caller, act: actor } = outcome.claims;
    if (caller !== USER_FACING_CALLER && (actor.type !== 'system' || actor.id !== caller))
      throw new ApiError(403, 'FORBIDDEN', `${caller} may call only as itself`);
    return { caller, actor };
  }
}

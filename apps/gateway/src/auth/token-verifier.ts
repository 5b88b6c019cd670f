import { KeyObject, createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from 'jose';
import { ApiError } from '@bp/platform';
import { GatewayConfig } from '../config/gateway.config.js';
import { type AuthenticatedUser, ROLES, type Role } from './authenticated-user.js';

/** How long a verified token is taken on its word again, at most (never past its expiry). */
const REMEMBER_MS = 60_000;
const REMEMBERED_TOKENS = 10_000;

/**
 * Verifies bearer tokens: asymmetric (RS256/ES256) against the identity provider's JWKS when
 * JWT_JWKS_URL is set (keys fetched and cached by jose, refreshed on an unknown key id), otherwise
 * HS256 with JWT_SECRET. A token must carry `sub`, `exp` and a `role` among JWT_GRANTABLE_ROLES;
 * `iss` and `aud` are checked when configured (required in production), clocks may differ by
 * JWT_CLOCK_TOLERANCE_SECONDS.
 */
@Injectable()
export class TokenVerifier {
  /** The JWKS, or the HS256 secret as a key object (jose keeps its WebCrypto import; a raw secret it imported again for every token). */
  private readonly key: KeyObject | JWTVerifyGetKey;
  /**
   * Tokens verified lately, by their text: a client sends the same token with each request, and its
   * signature check (WebCrypto, asynchronous) was the largest part of the gateway's own work on a small
   * request. Bounded; the oldest goes first.
   */
  private readonly remembered = new Map<string, { user: AuthenticatedUser; until: number }>();
  private readonly algorithms: string[];
  private readonly grantable: ReadonlySet<Role>;

  constructor(private readonly config: GatewayConfig) {
    this.grantable = new Set(config.JWT_GRANTABLE_ROLES.split(',') as Role[]);
    if (config.JWT_JWKS_URL) {
      this.key = createRemoteJWKSet(new URL(config.JWT_JWKS_URL), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      this.algorithms = ['RS256', 'ES256'];
    } else {
      this.key = createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8'));
      this.algorithms = ['HS256'];
    }
  }

  /** An `Authorization` header's bearer token (HTTP). */
  async verify(header: string | undefined): Promise<AuthenticatedUser> {
    const token = header?.match(/^Bearer (\S+)$/)?.[1];
    if (!token) throw new ApiError(401, 'UNAUTHENTICATED', 'A bearer token is required');
    return this.verifyToken(token);
  }

  /** A bearer token as it is, wherever it came from (the header, a live socket's AUTH message): the same checks. */
  async verifyToken(token: string): Promise<AuthenticatedUser> {
    if (!/^[A-Za-z0-9._-]+$/.test(token)) throw new ApiError(401, 'UNAUTHENTICATED', 'A bearer token is required');
    const known = this.remembered.get(token);
    if (known && Date.now() < known.until) return { ...known.user };
    this.remembered.delete(token);
    const user = await this.check(token);
    // `exp` is required, so every verified token has its expiry; the clock tolerance applies as in jose.
    const until = Math.min(Date.now() + REMEMBER_MS, (user.expiresAt ?? 0) + this.config.JWT_CLOCK_TOLERANCE_SECONDS * 1000);
    if (this.remembered.size >= REMEMBERED_TOKENS) this.remembered.delete(this.remembered.keys().next().value!);
    this.remembered.set(token, { user, until });
    return { ...user };
  }

  private async check(token: string): Promise<AuthenticatedUser> {
    try {
      const options = {
        algorithms: this.algorithms,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.config.JWT_CLOCK_TOLERANCE_SECONDS,
        ...(this.config.JWT_ISSUER ? { issuer: this.config.JWT_ISSUER } : {}),
        ...(this.config.JWT_AUDIENCE ? { audience: this.config.JWT_AUDIENCE } : {}),
      };
      const { payload } = this.key instanceof KeyObject ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options); // two overloads of jose
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || payload.sub.length === 0 || !ROLES.includes(role as Role)) throw new Error('missing sub or role');
      if (!this.grantable.has(role as Role)) throw new Error('a role this issuer may not grant');
      const name = typeof payload['name'] === 'string' ? payload['name'].trim().slice(0, 100) : '';
      return { id: payload.sub, role: role as Role, ...(name ? { name } : {}), ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}) };
    } catch {
      throw new ApiError(401, 'UNAUTHENTICATED', 'The bearer token is invalid or expired');
    }
  }
}

import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SignJWT } from 'jose';
import { type DevSignInAnswer, DevSignInRequest, type DevSignInView } from '@bp/contracts';
import { IdempotencyKey, success } from '@bp/platform';
import { GatewayConfig } from '../config/gateway.config.js';
import { ApiData, ApiFailures, ApiMutation, ApiAnonymousRoute } from '../openapi/api-docs.decorators.js';

/** Long enough to click through the portal, short enough that a copied token soon stops working. */
export const DEV_TOKEN_TTL_SECONDS = 30 * 60;

/**
 * Whether the development sign-in exists at all: only when DEV_SIGN_IN switches it on, never with
 * NODE_ENV=production (whatever else is set), and only where the gateway itself holds the signing key
 * (HS256, no identity provider's JWKS).
 */
export function devSignInEnabled(config: GatewayConfig, env: NodeJS.ProcessEnv = process.env): boolean {
  return config.DEV_SIGN_IN && env['NODE_ENV'] !== 'production' && !config.JWT_JWKS_URL && Boolean(config.JWT_SECRET);
}

/**
 * POST /api/dev/sign-in: the portal's local sign-in. It mints a short-lived token with the gateway's
 * own JWT settings (key, issuer, audience) for the provider or admin chosen, so the portal can be
 * used without an identity provider. Not registered in production (404 like any unknown route).
 */
@Controller('api/dev')
@ApiTags('development')
@ApiAnonymousRoute()
export class DevSignInController {
  constructor(private readonly config: GatewayConfig) {}

  @Post('sign-in')
  @HttpCode(200)
  @ApiMutation()
  @ApiData(200, 'DevSignIn', 'A development bearer token for the chosen provider or admin (not served in production)')
  @ApiFailures(404)
  async signIn(@Body() body: DevSignInRequest, @IdempotencyKey() _key: string) {
    const expiresAt = Math.floor(Date.now() / 1000) + DEV_TOKEN_TTL_SECONDS;
    const jwt = new SignJWT({ role: body.role, name: `${body.role === 'admin' ? 'Admin' : 'Provider'} ${body.userId}` })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(body.userId)
      .setIssuedAt()
      .setExpirationTime(expiresAt);
    if (this.config.JWT_ISSUER) jwt.setIssuer(this.config.JWT_ISSUER);
    if (this.config.JWT_AUDIENCE) jwt.setAudience(this.config.JWT_AUDIENCE);
    const answer: DevSignInAnswer = {
      token: await jwt.sign(new TextEncoder().encode(this.config.JWT_SECRET)),
      role: body.role,
      userId: body.userId,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    };
    return success<DevSignInView>(answer);
  }
}

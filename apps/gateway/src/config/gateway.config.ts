import { randomUUID } from 'node:crypto';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Min, MinLength } from 'class-validator';
import { ServiceConfig } from '@bp/platform';

export class GatewayConfig extends ServiceConfig {
  override PORT = 3000;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  BOOKING_SVC_URL = 'http://127.0.0.1:3001';

  /** HS256 signing secret for bearer tokens (RS256 via JWKS arrives with the public API issue). */
  @IsString()
  @MinLength(32)
  JWT_SECRET: string;

  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @IsInt()
  @Min(1000)
  SSE_HEARTBEAT_MS = 15000;

  /** Each replica consumes the live stream in its own consumer group, so every replica sees every event. */
  @IsString()
  @IsNotEmpty()
  GATEWAY_INSTANCE_ID = randomUUID();
}

import 'reflect-metadata';
import { ConfigValidationError, loadConfig } from '@bp/platform';
import { GatewayConfig } from './gateway.config.js';

const valid = { KAFKA_BROKERS: '127.0.0.1:9092', JWT_SECRET: 'x'.repeat(32) };
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig('gateway', GatewayConfig, { ...valid, ...env });
    return [];
  } catch (error) {
    return (error as ConfigValidationError).problems;
  }
};

describe('GatewayConfig', () => {
  it('admits more requests at once than a service, and waits longer for a service than a service queues', () => {
    const config = loadConfig('gateway', GatewayConfig, valid);
    expect({ inFlight: config.HTTP_MAX_IN_FLIGHT, queueWait: config.HTTP_MAX_QUEUE_WAIT_MS, upstream: config.UPSTREAM_TIMEOUT_MS }).toEqual({
      inFlight: 256,
      queueWait: 1000,
      upstream: 5000,
    });
    expect(config.RATE_LIMIT_PER_IP_AUTHENTICATED_PER_MINUTE).toBe(12_000);
  });

  it('refuses an upstream deadline that a shed request’s answer could not beat', () => {
    expect(problemsOf({ UPSTREAM_TIMEOUT_MS: '1500', HTTP_MAX_QUEUE_WAIT_MS: '1000' })).toEqual([
      expect.stringMatching(/^UPSTREAM_TIMEOUT_MS: must be at least HTTP_MAX_QUEUE_WAIT_MS \+ 1000 ms/),
    ]);
    expect(problemsOf({ UPSTREAM_TIMEOUT_MS: '2000', HTTP_MAX_QUEUE_WAIT_MS: '1000' })).toEqual([]);
    expect(problemsOf({ UPSTREAM_TIMEOUT_MS: '1500', HTTP_MAX_QUEUE_WAIT_MS: '500' })).toEqual([]);
  });

  it('bounds the admission and rate-limit settings', () => {
    const problems = problemsOf({
      HTTP_MAX_IN_FLIGHT: '0',
      HTTP_MAX_QUEUE_LENGTH: '-1',
      RATE_LIMIT_REDIS_TIMEOUT_MS: '5000',
      RATE_LIMIT_PER_IP_AUTHENTICATED_PER_MINUTE: '0',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'HTTP_MAX_IN_FLIGHT',
      'HTTP_MAX_QUEUE_LENGTH',
      'RATE_LIMIT_PER_IP_AUTHENTICATED_PER_MINUTE',
      'RATE_LIMIT_REDIS_TIMEOUT_MS',
    ]);
  });

  it('requires, in production, the tokens’ issuer and audience, strong secrets, and a JWKS only over https', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'Qw8eR4tY2uI6oP0aS9dF3gH7jK1lZ5xC',
    };
    expect(problemsOf(production).sort()).toEqual(['JWT_AUDIENCE: required in production', 'JWT_ISSUER: required in production']);
    const complete = { ...production, JWT_ISSUER: 'https://id.example.health/', JWT_AUDIENCE: 'booking-platform-api' };
    expect(problemsOf(complete)).toEqual([]);
    expect(problemsOf({ ...complete, JWT_JWKS_URL: 'http://id.example.health/jwks.json' })).toEqual(['JWT_JWKS_URL: must be an https URL in production']);
    expect(problemsOf({ ...complete, JWT_JWKS_URL: 'https://id.example.health/jwks.json' })).toEqual([]);
    expect(problemsOf({ ...complete, DEV_SIGN_IN: 'true' })).toEqual(['DEV_SIGN_IN: must be false in production']);
    expect(problemsOf({ JWT_JWKS_URL: 'http://127.0.0.1:9999/jwks.json' })).toEqual([]); // outside production: a local identity provider
    expect(problemsOf({ JWT_GRANTABLE_ROLES: 'patient,superuser' })).toEqual([expect.stringMatching(/^JWT_GRANTABLE_ROLES: /)]);
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@bp/testing';

/** A service with bad configuration refuses to start with one aggregated, readable error, and no secret in it. */
describe('boot-time configuration validation', () => {
  it('lists every problem at once, exits with EX_CONFIG, and never echoes a value', () => {
    const leakedSecret = 'short-secret';
    const result = spawnSync(process.execPath, [join(workspaceRoot, 'dist/apps/gateway/src/main.js')], {
      env: {
        PATH: process.env['PATH'],
        KAFKA_BROKERS: '',
        JWT_SECRET: leakedSecret,
        PORT: 'eighty',
        BOOKING_SVC_URL: 'not a url',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });

    expect(result.status).toBe(78);
    expect(result.stderr).toContain('gateway: invalid configuration');
    for (const variable of ['KAFKA_BROKERS', 'JWT_SECRET', 'PORT', 'BOOKING_SVC_URL']) expect(result.stderr).toMatch(new RegExp(`- ${variable}: `));
    expect(result.stderr).not.toContain(leakedSecret);
    expect(result.stdout).not.toContain('listening');
  });

  it('names the database settings a service with a database needs', () => {
    const result = spawnSync(process.execPath, [join(workspaceRoot, 'dist/apps/booking-svc/src/main.js')], {
      env: { PATH: process.env['PATH'], KAFKA_BROKERS: '127.0.0.1:9', OUTBOX_MAX_LAG_SECONDS: '-1' },
      encoding: 'utf8',
      timeout: 30_000,
    });

    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/- MONGO_URL: /);
    expect(result.stderr).toMatch(/- OUTBOX_MAX_LAG_SECONDS: /);
    expect(result.stderr).not.toMatch(/- KAFKA_BROKERS: /);
  });

  it('refuses, in production, the development secrets this repository ships, naming them only', () => {
    const env = {
      PATH: process.env['PATH'],
      NODE_ENV: 'production',
      KAFKA_BROKERS: '127.0.0.1:9',
      INTERNAL_SIGNING_KEY: 'local-development-internal-token',
      JWT_SECRET: 'local-development-jwt-secret-not-for-production',
    };
    const result = spawnSync(process.execPath, [join(workspaceRoot, 'dist/apps/gateway/src/main.js')], { env, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('- INTERNAL_SIGNING_KEY: a development value, refused in production');
    expect(result.stderr).toContain('- JWT_SECRET: a development value, refused in production');
    expect(result.stderr).not.toContain('local-development');
  });
});

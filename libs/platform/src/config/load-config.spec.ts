import 'reflect-metadata';
import { ConfigValidationError, loadConfig } from './load-config.js';
import { ServiceConfig } from './service.config.js';

const valid = { PORT: '3001', KAFKA_BROKERS: '127.0.0.1:9092' };

/** The problems loadConfig reports for an environment, or none. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig('svc', ServiceConfig, env);
    return [];
  } catch (error) {
    return (error as ConfigValidationError).problems;
  }
}

describe('loadConfig', () => {
  it.each([
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['no', false],
    ['true', true],
    ['1', true],
    ['yes', true],
  ])('reads KAFKA_FROM_BEGINNING=%s as %s', (raw, expected) => {
    expect(loadConfig('svc', ServiceConfig, { ...valid, KAFKA_FROM_BEGINNING: raw }).KAFKA_FROM_BEGINNING).toBe(expected);
  });

  it('keeps the default when unset, refuses a word that is not a boolean, and converts numbers', () => {
    const config = loadConfig('svc', ServiceConfig, valid);
    expect(config.KAFKA_FROM_BEGINNING).toBe(true);
    expect(config.PORT).toBe(3001);
    expect(() => loadConfig('svc', ServiceConfig, { ...valid, KAFKA_FROM_BEGINNING: 'maybe' })).toThrow(ConfigValidationError);
  });

  describe('in production', () => {
    const production = { ...valid, NODE_ENV: 'production' };
    const strong = 'kP3vX9qLm2Zt7Rw4Yb8Nc6Hd1Jf5Gs0A';

    it('refuses the repository’s development secrets, short and predictable ones, naming the variable only', () => {
      expect(problems({ ...production, INTERNAL_SIGNING_KEY: 'local-development-internal-token' })).toEqual([
        'INTERNAL_SIGNING_KEY: a development value, refused in production',
      ]);
      expect(problems({ ...production, INTERNAL_SIGNING_KEY: 'kP3vX9qLm2Zt7Rw4Yb8N' })).toEqual(['INTERNAL_SIGNING_KEY: shorter than 32 characters']);
      expect(problems({ ...production, INTERNAL_SIGNING_KEY: 'abababababababababababababababababab' })).toEqual([
        'INTERNAL_SIGNING_KEY: too predictable (use a random value)',
      ]);
      expect(JSON.stringify(problems({ ...production, INTERNAL_SIGNING_KEY: 'local-development-internal-token' }))).not.toContain('local-development');
    });

    it('accepts a strong random secret, and development values outside production or when a local cluster allows them', () => {
      expect(problems({ ...production, INTERNAL_SIGNING_KEY: strong })).toEqual([]);
      expect(problems({ ...valid, INTERNAL_SIGNING_KEY: 'local-development-internal-token' })).toEqual([]);
      expect(problems({ ...production, INTERNAL_SIGNING_KEY: 'local-development-internal-token', ALLOW_DEVELOPMENT_SECRETS: 'true' })).toEqual([]);
    });

    it('refuses Kafka brokers whose certificates are not verified, as other production refusals are (lifted for a local cluster)', () => {
      const unverified = { ...production, INTERNAL_SIGNING_KEY: strong, KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' };
      expect(problems(unverified)).toEqual(['KAFKA_SSL_REJECT_UNAUTHORIZED: must be true in production']);
      expect(problems({ ...unverified, KAFKA_SSL_REJECT_UNAUTHORIZED: 'true' })).toEqual([]);
      expect(problems({ ...unverified, NODE_ENV: 'development' })).toEqual([]);
      expect(problems({ ...unverified, ALLOW_DEVELOPMENT_SECRETS: 'true' })).toEqual([]);
    });

    it('holds the Kafka SASL password to the secret rules, naming the variable only', () => {
      const sasl = {
        ...production,
        INTERNAL_SIGNING_KEY: strong,
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'booking-svc',
      };
      expect(problems({ ...sasl, KAFKA_SASL_PASSWORD: 'kP3vX9qLm2Zt7Rw4' })).toEqual([]);
      expect(problems({ ...sasl, KAFKA_SASL_PASSWORD: 'kP3vX9qLm2Zt7Rw' })).toEqual(['KAFKA_SASL_PASSWORD: shorter than 16 characters']);
      expect(problems({ ...sasl, KAFKA_SASL_PASSWORD: 'kafka-password-2024' })).toEqual(['KAFKA_SASL_PASSWORD: a development value, refused in production']);
      expect(JSON.stringify(problems({ ...sasl, KAFKA_SASL_PASSWORD: 'kafka-password-2024' }))).not.toContain('kafka-password');
      // Without SASL there is no password to ask for.
      expect(problems({ ...production, INTERNAL_SIGNING_KEY: strong })).toEqual([]);
    });
  });

  describe('Kafka TLS and SASL', () => {
    it('is off by default: plaintext, no SASL, certificates verified once TLS is on', () => {
      const config = loadConfig('svc', ServiceConfig, valid);
      expect(config.KAFKA_SSL).toBe(false);
      expect(config.KAFKA_SSL_REJECT_UNAUTHORIZED).toBe(true);
      expect([config.KAFKA_SSL_CA_FILE, config.KAFKA_SASL_MECHANISM, config.KAFKA_SASL_USERNAME, config.KAFKA_SASL_PASSWORD]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('reads TLS with a CA, a client certificate and SASL when all are given', () => {
      const config = loadConfig('svc', ServiceConfig, {
        ...valid,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/etc/kafka/ca.crt',
        KAFKA_SSL_CERT_FILE: '/etc/kafka/tls.crt',
        KAFKA_SSL_KEY_FILE: '/etc/kafka/tls.key',
        KAFKA_SSL_REJECT_UNAUTHORIZED: 'false',
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'booking-svc',
        KAFKA_SASL_PASSWORD: 'not-checked-outside-production',
      });
      expect(config).toEqual(
        expect.objectContaining({
          KAFKA_SSL: true,
          KAFKA_SSL_CA_FILE: '/etc/kafka/ca.crt',
          KAFKA_SSL_CERT_FILE: '/etc/kafka/tls.crt',
          KAFKA_SSL_KEY_FILE: '/etc/kafka/tls.key',
          KAFKA_SSL_REJECT_UNAUTHORIZED: false,
          KAFKA_SASL_MECHANISM: 'scram-sha-256',
          KAFKA_SASL_USERNAME: 'booking-svc',
        }),
      );
    });

    it.each([
      [
        'a mechanism without credentials',
        { KAFKA_SASL_MECHANISM: 'plain' },
        ['KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM', 'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM'],
      ],
      [
        'credentials without a mechanism',
        { KAFKA_SASL_USERNAME: 'booking-svc', KAFKA_SASL_PASSWORD: 'pw' },
        ['KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD'],
      ],
      [
        'a password without a username (an empty one is unset)',
        { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: 'pw' },
        ['KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM and KAFKA_SASL_PASSWORD'],
      ],
      [
        'an unknown mechanism',
        { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'pw' },
        ['KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256, scram-sha-512'],
      ],
      ['a CA file without TLS', { KAFKA_SSL_CA_FILE: '/etc/kafka/ca.crt' }, ['KAFKA_SSL_CA_FILE: set only with KAFKA_SSL=true']],
      [
        'a client certificate without its key',
        { KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/etc/kafka/tls.crt' },
        ['KAFKA_SSL_KEY_FILE: required with KAFKA_SSL_CERT_FILE'],
      ],
      ['TLS switched on with a word that is not a boolean', { KAFKA_SSL: 'tls' }, ['KAFKA_SSL: KAFKA_SSL must be a boolean value']],
    ])('refuses %s, naming the settings', (_label, env, expected) => {
      expect(problems({ ...valid, ...env })).toEqual(expected);
    });

    it('takes empty settings for unset (an env file with NAME=)', () => {
      expect(problems({ ...valid, KAFKA_SSL_CA_FILE: '', KAFKA_SASL_MECHANISM: '', KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '' })).toEqual([]);
    });
  });
});

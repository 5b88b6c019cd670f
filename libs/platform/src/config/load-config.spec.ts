import 'reflect-metadata';
import { ConfigValidationError, loadConfig } from './load-config.js';
import { ServiceConfig } from './service.config.js';

const valid = { PORT: '3001', KAFKA_BROKERS: '127.0.0.1:9092', INTERNAL_API_TOKEN: 'a-long-enough-internal-token' };

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
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig('svc', ServiceConfig, env);
        return [];
      } catch (error) {
        return (error as ConfigValidationError).problems;
      }
    };

    it('refuses the repository’s development secrets, short, predictable and missing ones, naming the variable only', () => {
      expect(problems({ ...production, INTERNAL_API_TOKEN: 'local-development-internal-token' })).toEqual([
        'INTERNAL_API_TOKEN: a development value, refused in production',
      ]);
      expect(problems({ ...production, INTERNAL_API_TOKEN: 'kP3vX9qLm2Zt7Rw4Yb8N' })).toEqual(['INTERNAL_API_TOKEN: shorter than 32 characters']);
      expect(problems({ ...production, INTERNAL_API_TOKEN: 'abababababababababababababababababab' })).toEqual([
        'INTERNAL_API_TOKEN: too predictable (use a random value)',
      ]);
      const missing = problems({ PORT: '3001', KAFKA_BROKERS: '127.0.0.1:9092', NODE_ENV: 'production' });
      expect(missing).toContain('INTERNAL_API_TOKEN: required in production');
      expect(JSON.stringify(problems({ ...production, INTERNAL_API_TOKEN: 'local-development-internal-token' }))).not.toContain('local-development');
    });

    it('accepts a strong random secret, and development values outside production or when a local cluster allows them', () => {
      expect(problems({ ...production, INTERNAL_API_TOKEN: strong })).toEqual([]);
      expect(problems({ ...valid, INTERNAL_API_TOKEN: 'local-development-internal-token' })).toEqual([]);
      expect(problems({ ...production, INTERNAL_API_TOKEN: 'local-development-internal-token', ALLOW_DEVELOPMENT_SECRETS: 'true' })).toEqual([]);
    });
  });
});

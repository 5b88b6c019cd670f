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
});

import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KAFKA_SASL_MECHANISMS, ServiceConfig, loadConfig } from '@bp/platform';
import { kafkaSecurity, type KafkaSecuritySettings } from './kafka-security.js';

const off: KafkaSecuritySettings = { KAFKA_SSL: false, KAFKA_SSL_REJECT_UNAUTHORIZED: true };

// Placeholder PEM text: the mapping passes file contents through, it does not parse them.
const CA = '-----BEGIN CERTIFICATE-----\nprivate-ca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nclient-key\n-----END PRIVATE KEY-----\n';

let dir: string;
let files: { ca: string; cert: string; key: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
  files = { ca: join(dir, 'ca.crt'), cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
  writeFileSync(files.ca, CA);
  writeFileSync(files.cert, CERT);
  writeFileSync(files.key, KEY);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kafkaSecurity', () => {
  it('adds neither ssl nor sasl when nothing is set (a plaintext development broker)', () => {
    const options = kafkaSecurity(off);
    expect(options).toEqual({});
    expect(Object.keys(options)).toEqual([]);
  });

  it('turns TLS on with the system CAs and certificate verification when no file is named', () => {
    expect(kafkaSecurity({ ...off, KAFKA_SSL: true })).toEqual({ ssl: { rejectUnauthorized: true } });
  });

  it('reads the CA file, and a client certificate and key, into the TLS options', () => {
    expect(kafkaSecurity({ ...off, KAFKA_SSL: true, KAFKA_SSL_CA_FILE: files.ca })).toEqual({ ssl: { rejectUnauthorized: true, ca: CA } });
    expect(kafkaSecurity({ ...off, KAFKA_SSL: true, KAFKA_SSL_CA_FILE: files.ca, KAFKA_SSL_CERT_FILE: files.cert, KAFKA_SSL_KEY_FILE: files.key })).toEqual({
      ssl: { rejectUnauthorized: true, ca: CA, cert: CERT, key: KEY },
    });
  });

  it('passes certificate verification switched off through (refused in production by the config class, not here)', () => {
    expect(kafkaSecurity({ ...off, KAFKA_SSL: true, KAFKA_SSL_REJECT_UNAUTHORIZED: false })).toEqual({ ssl: { rejectUnauthorized: false } });
  });

  it.each(KAFKA_SASL_MECHANISMS)('maps SASL %s (kafkajs’s name for it too) with its credentials, over TLS or not', (mechanism) => {
    const settings = { ...off, KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'booking-svc', KAFKA_SASL_PASSWORD: 's3cr3t-Kafka-pw-0123' };
    expect(kafkaSecurity(settings)).toEqual({ sasl: { mechanism, username: 'booking-svc', password: 's3cr3t-Kafka-pw-0123' } });
    expect(kafkaSecurity({ ...settings, KAFKA_SSL: true })).toEqual({
      ssl: { rejectUnauthorized: true },
      sasl: { mechanism, username: 'booking-svc', password: 's3cr3t-Kafka-pw-0123' },
    });
  });

  it.each([
    ['KAFKA_SSL_CA_FILE', 'ca.crt'],
    ['KAFKA_SSL_CERT_FILE', 'tls.crt'],
    ['KAFKA_SSL_KEY_FILE', 'tls.key'],
  ] as const)('stops with an error naming %s when its file cannot be read', (setting, file) => {
    const missing = join(dir, 'absent', file);
    const settings: KafkaSecuritySettings = {
      ...off,
      KAFKA_SSL: true,
      KAFKA_SSL_CA_FILE: files.ca,
      KAFKA_SSL_CERT_FILE: files.cert,
      KAFKA_SSL_KEY_FILE: files.key,
    };
    expect(() => kafkaSecurity({ ...settings, [setting]: missing })).toThrow(new Error(`${setting}: cannot read ${missing} (ENOENT)`));
  });

  it('refuses a mechanism without credentials rather than connecting unauthenticated', () => {
    expect(() => kafkaSecurity({ ...off, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'booking-svc' })).toThrow(
      'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM',
    );
  });

  it('maps the settings as a service reads them from its environment', () => {
    const base = { PORT: '3001', KAFKA_BROKERS: 'kafka:9093' };
    expect(kafkaSecurity(loadConfig('svc', ServiceConfig, base))).toEqual({});
    const secured = loadConfig('svc', ServiceConfig, {
      ...base,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: files.ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'booking-svc',
      KAFKA_SASL_PASSWORD: 's3cr3t-Kafka-pw-0123',
    });
    expect(kafkaSecurity(secured)).toEqual({
      ssl: { rejectUnauthorized: true, ca: CA },
      sasl: { mechanism: 'scram-sha-512', username: 'booking-svc', password: 's3cr3t-Kafka-pw-0123' },
    });
  });
});

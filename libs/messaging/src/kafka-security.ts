import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { KafkaSaslMechanism, ServiceConfig } from '@bp/platform';

export type KafkaSecuritySettings = Pick<
  ServiceConfig,
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SSL_CERT_FILE'
  | 'KAFKA_SSL_KEY_FILE'
  | 'KAFKA_SSL_REJECT_UNAUTHORIZED'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
>;

/** kafkajs's options for each mechanism KAFKA_SASL_MECHANISM accepts: one added there does not compile until it is mapped here. */
const SASL: Record<KafkaSaslMechanism, (username: string, password: string) => SASLOptions> = {
  plain: (username, password) => ({ mechanism: 'plain', username, password }),
  'scram-sha-256': (username, password) => ({ mechanism: 'scram-sha-256', username, password }),
  'scram-sha-512': (username, password) => ({ mechanism: 'scram-sha-512', username, password }),
};

/** A PEM file named by a setting; one that cannot be read stops the start, naming the setting (never the file's contents). */
function readPem(setting: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${setting}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * The kafkajs client's `ssl` and `sasl` options from the validated settings: none when TLS and SASL
 * are off (a plaintext, unauthenticated broker, as in development). Files are read here, once, at
 * startup: a renewed certificate is taken by restarting the pods.
 */
export function kafkaSecurity(settings: KafkaSecuritySettings): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const security: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (settings.KAFKA_SSL) {
    const ssl: ConnectionOptions = { rejectUnauthorized: settings.KAFKA_SSL_REJECT_UNAUTHORIZED };
    if (settings.KAFKA_SSL_CA_FILE) ssl.ca = readPem('KAFKA_SSL_CA_FILE', settings.KAFKA_SSL_CA_FILE);
    if (settings.KAFKA_SSL_CERT_FILE) ssl.cert = readPem('KAFKA_SSL_CERT_FILE', settings.KAFKA_SSL_CERT_FILE);
    if (settings.KAFKA_SSL_KEY_FILE) ssl.key = readPem('KAFKA_SSL_KEY_FILE', settings.KAFKA_SSL_KEY_FILE);
    security.ssl = ssl;
  }
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = settings;
  if (mechanism) {
    // The config class refuses a mechanism without credentials; connecting without them would only fail later, less clearly.
    if (!username || !password) throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM');
    security.sasl = SASL[mechanism](username, password);
  }
  return security;
}

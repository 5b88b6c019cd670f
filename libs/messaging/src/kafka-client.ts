import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Kafka, logLevel, type Admin, type ITopicConfig, type LogEntry } from 'kafkajs';
import { ServiceConfig, brokersOf } from '@bp/platform';

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** The process's one kafkajs client, logging through Nest's (pino) logger, plus an admin connection for topics and health. */
@Injectable()
export class KafkaClient implements OnApplicationShutdown {
  readonly kafka: Kafka;
  private admin?: Admin;
  private readonly logger = new Logger('kafkajs');

  constructor(config: ServiceConfig) {
    const service = process.env['SERVICE_NAME'] ?? 'service';
    this.kafka = new Kafka({
      clientId: service,
      brokers: brokersOf(config),
      connectionTimeout: 3000,
      requestTimeout: 10000,
      retry: { initialRetryTime: 200, retries: 8 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }: LogEntry) => {
          const { message, ...extra } = log;
          this.logger[LEVELS[level] ?? 'log']({ message, ...extra });
        },
    });
  }

  /** Creates the topics that do not exist yet (idempotent); used before subscribing and publishing. */
  async ensureTopics(topics: string[], options: Partial<ITopicConfig> = {}): Promise<void> {
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 3, replicationFactor: -1, ...options })) });
  }

  /** Answers whether a broker responds now (readiness). */
  async describeCluster(): Promise<{ brokers: number; controller: number | null }> {
    try {
      const admin = await this.connectedAdmin();
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } catch (error) {
      await this.resetAdmin();
      throw error;
    }
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 200 } });
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async resetAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.resetAdmin();
  }
}

import { type DynamicModule, Injectable, Module, type OnModuleInit, type Provider } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ReadinessRegistry, ServiceConfig } from '@bp/platform';
import { FeatureFlags } from './feature-flags/feature-flags.js';
import { FeatureFlagsController } from './feature-flags/feature-flags.controller.js';
import { LAST_KNOWN_FLAGS, MongoLastKnownFlags, NoLastKnownFlags } from './feature-flags/last-known-flags.js';
import { CONSUMER_OPTIONS, type ConsumerOptions, type MessagingOptions, consumerOptionsFrom } from './consumer-options.js';
import { INBOX, MongoInbox, NoInbox } from './inbox.js';
import { KafkaClient } from './kafka-client.js';
import { KafkaConsumerTransport } from './kafka-consumer.transport.js';
import { KafkaProducer } from './kafka-producer.js';

@Injectable()
class KafkaReadiness implements OnModuleInit {
  constructor(
    private readonly client: KafkaClient,
    private readonly transport: KafkaConsumerTransport,
    private readonly registry: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    // A broker outage degrades a service (writes wait in the outbox, consumers resume) but does not
    // stop it serving requests: reported, alerted, not a reason to pull every pod (docs/kafka-consumers.md).
    this.registry.register({
      name: 'kafka',
      affects: 'degraded',
      check: async () => ({ up: true, details: await this.client.describeCluster() }),
    });
    this.registry.register({
      name: 'kafka-consumer',
      affects: 'degraded',
      check: async () => {
        const { running, details } = this.transport.consumerState();
        const idle = this.transport.subscribedTopics().length === 0;
        return { up: running || idle, details: idle ? { idle: true } : details };
      },
    });
  }
}

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const consumerOptions: Provider = {
      provide: CONSUMER_OPTIONS,
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig): ConsumerOptions => consumerOptionsFrom(config, options),
    };
    return {
      module: MessagingModule,
      global: true,
      controllers: options.internalRoutes === false ? [] : [FeatureFlagsController],
      providers: [
        KafkaClient,
        KafkaProducer,
        KafkaConsumerTransport,
        KafkaReadiness,
        FeatureFlags,
        consumerOptions,
        { provide: INBOX, useClass: options.inbox === 'mongo' ? MongoInbox : NoInbox },
        // A service with a database keeps the flags it last read there (a start while Kafka is away).
        { provide: LAST_KNOWN_FLAGS, useClass: options.inbox === 'mongo' ? MongoLastKnownFlags : NoLastKnownFlags },
      ],
      exports: [KafkaClient, KafkaProducer, KafkaConsumerTransport, FeatureFlags],
    };
  }
}

/** Attaches the service's Kafka consumer to the Nest app (a hybrid app: HTTP + Kafka in one process). */
export function connectKafkaConsumer(app: INestApplication): void {
  app.connectMicroservice({ strategy: app.get(KafkaConsumerTransport) }, { inheritAppConfig: true });
}

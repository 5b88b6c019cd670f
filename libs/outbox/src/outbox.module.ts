import { type DynamicModule, Inject, Module } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AggregateStore } from './aggregate-store.js';
import { OUTBOX_MODELS, OutboxRelay } from './outbox-relay.js';

const aggregateStoreToken = (modelName: string) => `AggregateStore:${modelName}`;

/** Injects the aggregate store of a model the module's OutboxModule relays. */
export const InjectAggregateStore = (modelName: string) => Inject(aggregateStoreToken(modelName));

/**
 * Registers the relay for the given mongoose models (names as given to MongooseModule.forFeature), and
 * an AggregateStore for each (`@InjectAggregateStore(name)`), the one way to write them with messages.
 */
@Module({})
export class OutboxModule {
  static forModels(modelNames: string[], imports: DynamicModule['imports'] = []): DynamicModule {
    const stores = modelNames.map((name) => ({
      provide: aggregateStoreToken(name),
      inject: [getModelToken(name), OutboxRelay],
      useFactory: (model: Model<any>, relay: OutboxRelay) => new AggregateStore(model, relay),
    }));
    return {
      module: OutboxModule,
      imports,
      providers: [
        { provide: OUTBOX_MODELS, inject: modelNames.map((name) => getModelToken(name)), useFactory: (...models: unknown[]) => models },
        OutboxRelay,
        ...stores,
      ],
      exports: [OutboxRelay, ...stores.map((store) => store.provide)],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import { OUTBOX_MODELS, OutboxRelay } from './outbox-relay.js';

/** Registers the relay for the given mongoose models (names as given to MongooseModule.forFeature). */
@Module({})
export class OutboxModule {
  static forModels(modelNames: string[], imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: OutboxModule,
      imports,
      providers: [{ provide: OUTBOX_MODELS, inject: modelNames.map((name) => getModelToken(name)), useFactory: (...models: unknown[]) => models }, OutboxRelay],
      exports: [OutboxRelay],
    };
  }
}

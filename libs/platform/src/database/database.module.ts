import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { DatabaseServiceConfig } from '../config/service.config.js';
import { ReadinessRegistry } from '../health/readiness.js';
import './closed-connection-writes.js';

@Injectable()
class MongoReadiness implements OnModuleInit {
  readonly name = 'mongodb';

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly registry: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async check() {
    const db = this.connection.db;
    if (!db) return { up: false, details: { message: 'not connected' } };
    await db.admin().ping();
    return { up: true };
  }
}

/** The service's own MongoDB database (ARCHITECTURE.md: no service reads another's). */
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [DatabaseServiceConfig],
      useFactory: (config: DatabaseServiceConfig) => ({
        uri: config.MONGO_URL,
        dbName: config.MONGO_DB,
        serverSelectionTimeoutMS: 5000,
        maxPoolSize: config.MONGO_MAX_POOL_SIZE,
        // Indexes (including the unique keys that prevent double booking) are part of the schema.
        autoIndex: true,
      }),
    }),
  ],
  providers: [MongoReadiness],
})
export class DatabaseModule {}

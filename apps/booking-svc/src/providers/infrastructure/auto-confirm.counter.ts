import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey } from '@bp/platform';

interface DailyCount {
  _id: string;
  count: number;
}

/**
 * The auto-confirm daily cap: one counter per provider and local day, taken by a conditional
 * increment. At the cap the filter no longer matches and the upsert collides with the existing
 * counter (duplicate key): no token.
 */
@Injectable()
export class AutoConfirmCounter implements OnModuleInit {
  private counters!: Collection<DailyCount>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.counters = this.connection.collection<DailyCount>('auto_confirm_counters');
  }

  async take(providerId: string, localDate: string, cap: number): Promise<boolean> {
    try {
      await this.counters.updateOne({ _id: `${providerId}|${localDate}`, count: { $lt: cap } }, { $inc: { count: 1 } }, { upsert: true });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async countFor(providerId: string, localDate: string): Promise<number> {
    return (await this.counters.findOne({ _id: `${providerId}|${localDate}` }))?.count ?? 0;
  }
}

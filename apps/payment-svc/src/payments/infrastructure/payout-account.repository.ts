import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';

export interface PayoutAccount {
  _id: string; // provider id
  stripeAccountId: string;
  updatedAt: Date;
  updatedBy: { type: string; id: string };
}

/** Each provider's Stripe Connect account, where their share of a booking is transferred. */
@Injectable()
export class PayoutAccountRepository implements OnModuleInit {
  private accounts!: Collection<PayoutAccount>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.accounts = this.connection.collection<PayoutAccount>('payout_accounts');
  }

  async find(providerId: string): Promise<PayoutAccount | null> {
    return this.accounts.findOne({ _id: providerId });
  }

  async save(account: PayoutAccount): Promise<void> {
    await this.accounts.replaceOne({ _id: account._id }, account, { upsert: true });
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { isDuplicateKey } from '@bp/platform';

/** A patient's Stripe Customer, where their saved cards live, and the card they chose as default. */
export interface CustomerRecord {
  _id: string; // patient id
  stripeCustomerId: string;
  defaultPaymentMethodId?: string;
  createdAt: Date;
}

/** One document per patient in `customers`, read by its id. */
@Injectable()
export class CustomerRepository implements OnModuleInit {
  private customers!: Collection<CustomerRecord>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  onModuleInit(): void {
    this.customers = this.connection.collection<CustomerRecord>('customers');
  }

  find(patientId: string): Promise<CustomerRecord | null> {
    return this.customers.findOne({ _id: patientId });
  }

  /** Records the patient's customer; when another call recorded one first, that one is kept and answered. */
  async insertOrKeepFirst(record: CustomerRecord): Promise<CustomerRecord> {
    try {
      await this.customers.insertOne(record);
      return record;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return (await this.find(record._id))!;
    }
  }

  async setDefault(patientId: string, paymentMethodId: string | undefined): Promise<void> {
    await this.customers.updateOne(
      { _id: patientId },
      paymentMethodId ? { $set: { defaultPaymentMethodId: paymentMethodId } } : { $unset: { defaultPaymentMethodId: 1 } },
    );
  }
}

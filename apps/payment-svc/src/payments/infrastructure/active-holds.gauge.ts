import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { paymentMetrics } from './payment.metrics.js';
import { PAYMENT_MODEL, type PaymentDocument } from './payment.schema.js';

const REFRESH_MS = 15_000;

/** Keeps the active-holds gauges (amount and count per currency) current from the database. */
@Injectable()
export class ActiveHoldsGauge implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(@InjectModel(PAYMENT_MODEL) private readonly model: Model<PaymentDocument>) {}

  onModuleInit(): void {
    void this.refresh().catch(() => undefined);
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS).unref();
  }

  async refresh(): Promise<void> {
    const held = await this.model.find({ status: 'held' }, { amountCents: 1, currency: 1 }).lean<Array<{ amountCents: number; currency: string }>>();
    const byCurrency = new Map<string, { amount: number; count: number }>();
    for (const { amountCents, currency } of held) {
      const total = byCurrency.get(currency) ?? { amount: 0, count: 0 };
      byCurrency.set(currency, { amount: total.amount + amountCents, count: total.count + 1 });
    }
    paymentMetrics.holdsActiveAmount().reset();
    paymentMetrics.holdsActive().reset();
    for (const [currency, { amount, count }] of byCurrency) {
      paymentMetrics.holdsActiveAmount().set({ currency }, amount);
      paymentMetrics.holdsActive().set({ currency }, count);
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

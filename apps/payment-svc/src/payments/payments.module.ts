import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxModule } from '@bp/outbox';
import { IdempotencyModule } from '@bp/platform';
import { HoldMonitor } from './application/hold-monitor.js';
import { PaymentCommands } from './application/payment-commands.js';
import { PaymentSweeper } from './application/payment-sweeper.js';
import { Payouts } from './application/payouts.js';
import { SavedCards } from './application/saved-cards.js';
import { CustomerRepository } from './infrastructure/customer.repository.js';
import { HoldReviewWatermark } from './infrastructure/hold-review-watermark.js';
import { PAYMENT_MODEL, PaymentSchema } from './infrastructure/payment.schema.js';
import { PaymentRepository } from './infrastructure/payment.repository.js';
import { PayoutAccountRepository } from './infrastructure/payout-account.repository.js';
import { StripeGateway } from './infrastructure/stripe-gateway.js';
import { HoldMonitorConsumer } from './interface/hold-monitor.consumer.js';
import { PaymentCommandsConsumer } from './interface/payment-commands.consumer.js';
import { PaymentsController } from './interface/payments.controller.js';
import { SavedCardsController } from './interface/saved-cards.controller.js';

const models = MongooseModule.forFeature([{ name: PAYMENT_MODEL, schema: PaymentSchema }]);

/** Payments: holds, captures, releases, refunds and payouts through Stripe, answering booking-svc's commands; the patients' saved cards; the hold monitor and sweeps. */
@Module({
  imports: [models, OutboxModule.forModels([PAYMENT_MODEL], [models]), IdempotencyModule],
  controllers: [PaymentCommandsConsumer, HoldMonitorConsumer, PaymentsController, SavedCardsController],
  providers: [
    PaymentRepository,
    PayoutAccountRepository,
    CustomerRepository,
    HoldReviewWatermark,
    SavedCards,
    PaymentCommands,
    Payouts,
    HoldMonitor,
    PaymentSweeper,
    StripeGateway,
  ],
  exports: [PaymentRepository, StripeGateway],
})
export class PaymentsModule {}

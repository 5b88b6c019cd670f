import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { OutboxModule } from '@bp/outbox';
import { PaymentCommands } from './application/payment-commands.js';
import { ActiveHoldsGauge } from './infrastructure/active-holds.gauge.js';
import { PAYMENT_MODEL, PaymentSchema } from './infrastructure/payment.schema.js';
import { PaymentRepository } from './infrastructure/payment.repository.js';
import { StripeGateway } from './infrastructure/stripe-gateway.js';
import { PaymentCommandsConsumer } from './interface/payment-commands.consumer.js';

const models = MongooseModule.forFeature([{ name: PAYMENT_MODEL, schema: PaymentSchema }]);

/** Payments: holds, captures, releases and refunds through Stripe, answering booking-svc's commands. */
@Module({
  imports: [models, OutboxModule.forModels([PAYMENT_MODEL], [models])],
  controllers: [PaymentCommandsConsumer],
  providers: [PaymentRepository, PaymentCommands, StripeGateway, ActiveHoldsGauge],
  exports: [PaymentRepository, StripeGateway, ActiveHoldsGauge],
})
export class PaymentsModule {}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type RunPaymentHoldMonitor, Topics } from '@bp/contracts';
import { type InboundMessage, OnMessage } from '@bp/messaging';
import { HoldMonitor } from '../application/hold-monitor.js';

/**
 * scheduler-svc's hourly hold monitor command: one scan now (the review buckets due, and the gauges).
 * The local sweep keeps running too (it also drives deferred captures, refunds and payouts every
 * PAYMENT_SWEEP_INTERVAL_MS); the scheduled run guarantees the spec's hourly check and makes its
 * freshness visible.
 */
@Controller()
export class HoldMonitorConsumer {
  constructor(private readonly holds: HoldMonitor) {}

  @OnMessage(Topics.paymentCommands, 'RunPaymentHoldMonitor')
  async onRun(@Payload() _message: InboundMessage<RunPaymentHoldMonitor>): Promise<void> {
    await this.holds.scan();
  }
}

import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { FeatureFlags } from '@bp/messaging';
import { PaymentConfig } from '../../config/payment.config.js';
import { paymentMetrics } from '../infrastructure/payment.metrics.js';
import { PaymentRepository } from '../infrastructure/payment.repository.js';
import { HoldMonitor } from './hold-monitor.js';
import { PaymentCommands } from './payment-commands.js';
import { Payouts } from './payouts.js';

/**
 * The background passes that make sure nothing started is left half done: the hold monitor, the
 * captures the kill switch held back, refunds interrupted between our write and Stripe's answer,
 * and payouts still due. Every step is a conditional write with a stored Stripe key, so replicas
 * sweeping at once are harmless (one write wins, Stripe answers the other's repeat).
 */
@Injectable()
export class PaymentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PaymentSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopListening?: () => void;
  private lastReconcile = 0;

  constructor(
    private readonly config: PaymentConfig,
    private readonly flags: FeatureFlags,
    private readonly holds: HoldMonitor,
    private readonly commands: PaymentCommands,
    private readonly payouts: Payouts,
    private readonly repository: PaymentRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweepSoon(), this.config.PAYMENT_SWEEP_INTERVAL_MS).unref();
    // Switching captures back on runs the waiting ones at once, not at the next tick.
    this.stopListening = this.flags.onChange((name) => (name === 'payment.disable_captures' ? this.sweepSoon() : undefined));
    this.sweepSoon();
  }

  sweepSoon(): void {
    const reconcile = Date.now() - this.lastReconcile >= this.config.PAYMENT_RECONCILE_INTERVAL_MS;
    if (reconcile) this.lastReconcile = Date.now();
    this.running ??= this.sweep(new Date(), { reconcile })
      .then(() => void paymentMetrics.sweepPasses().inc({ outcome: 'success' }))
      .catch((error: unknown) => {
        paymentMetrics.sweepPasses().inc({ outcome: 'failure' });
        this.logger.warn({ message: 'payment sweep failed; the next one retries', error: (error as Error).message });
      })
      .finally(() => (this.running = undefined));
  }

  /** One pass: the small sweeps always; with `reconcile`, also the hold monitor and the payouts still due (PAYMENT_RECONCILE_INTERVAL_MS). */
  async sweep(now: Date = new Date(), { reconcile = true }: { reconcile?: boolean } = {}): Promise<void> {
    if (reconcile) await this.holds.scan(now);
    await this.commands.runDeferredCaptures(now);
    await this.commands.finishPendingRefunds(now);
    if (reconcile) {
      await this.payouts.settleDue();
      paymentMetrics.payoutsDue().set((await this.repository.list({ payoutDue: true })).length);
    }
    paymentMetrics.disputesOpen().set((await this.repository.list({ disputeOpen: true })).length);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopListening?.();
    await this.running;
  }
}

import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { counter } from '@bp/platform';
import { NotificationConfig } from '../../config/notification.config.js';
import { DeliveryDispatcher } from './delivery-dispatcher.js';
import { DigestSender } from './digest-sender.js';

const sweepPasses = () =>
  counter('notification_sweep_passes_total', 'Finished passes of the periodic sweeps, by sweep (deliveries, digests) and outcome', ['sweep', 'outcome']);
sweepPasses(); // registered at load, so a sweep that never runs shows as an absent increase

/**
 * The two periodic sweeps: deliveries that waited (quiet hours, retry backoff) every
 * DEFERRED_SWEEP_INTERVAL_MS, and digests whose period ended every DIGEST_SWEEP_INTERVAL_MS. Each
 * runs one pass at a time; every send is claimed in the database, so replicas may sweep together.
 */
@Injectable()
export class NotificationSweeps implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationSweeps.name);
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly dispatcher: DeliveryDispatcher,
    private readonly digests: DigestSender,
    private readonly config: NotificationConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.every('deliveries', this.config.DEFERRED_SWEEP_INTERVAL_MS, () => this.dispatcher.sendDue());
    this.every('digests', this.config.DIGEST_SWEEP_INTERVAL_MS, () => this.digests.sendDue());
  }

  private every(name: string, intervalMs: number, sweep: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      if (this.running.has(name)) return;
      const pass = sweep()
        .then(() => void sweepPasses().inc({ sweep: name, outcome: 'success' }))
        .catch((error: unknown) => {
          sweepPasses().inc({ sweep: name, outcome: 'failure' });
          this.logger.warn({ message: `the ${name} sweep failed; the next one retries`, error: (error as Error).message });
        })
        .finally(() => this.running.delete(name));
      this.running.set(name, pass);
    }, intervalMs);
    this.timers.push(timer.unref());
  }

  async onApplicationShutdown(): Promise<void> {
    this.timers.forEach(clearInterval);
    await Promise.all(this.running.values());
  }
}

import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { NotificationConfig } from '../../config/notification.config.js';
import { Notifier } from './notifier.js';

/** Every DEFERRED_SWEEP_INTERVAL_MS, sends what quiet hours held back once the window has ended. */
@Injectable()
export class DeferredSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeferredSender.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly notifier: Notifier,
    private readonly config: NotificationConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.notifier
        .sendDeferred()
        .then(() => undefined)
        .catch((error: unknown) =>
          this.logger.warn({ message: 'sending deferred notifications failed; the next sweep retries', error: (error as Error).message }),
        )
        .finally(() => (this.running = undefined));
    }, this.config.DEFERRED_SWEEP_INTERVAL_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { FeatureFlagName } from '@bp/contracts';
import { DatabaseServiceConfig, ReadinessRegistry, loadConfig } from '@bp/platform';
import { infraEnv, localEnv, waitFor } from '@bp/testing';
import { FeatureFlags, KafkaClient, KafkaProducer } from '@bp/messaging';

const FLAG: FeatureFlagName = 'booking.request_mode_percentage';

/**
 * A replica's flags on the real broker when its reader starts over (kafkajs restarts a consumer after
 * a broker outage, and the reader itself retries a failed start): the topic is read from its start
 * again, and the settings it held on the way — a kill switch once on and then off, a rollout at 10 %
 * before 100 % — must not be answered again, not even for a moment. The percentage flag is used,
 * set back to its default at the end, so no other run on this broker is disturbed.
 */
describe('feature flags: a reader that starts over answers only the latest settings', () => {
  const config = loadConfig('feature-flags.spec', DatabaseServiceConfig, { ...process.env, ...localEnv(), ...infraEnv(), PORT: '4192', MONGO_DB: 'unused' });
  const client = new KafkaClient(config);
  const producer = new KafkaProducer(client);
  // No last-known copy: this replica answers from the topic only.
  const noLastKnown = { load: async () => new Map(), save: async () => undefined } as unknown as ConstructorParameters<typeof FeatureFlags>[3];
  const flags = new FeatureFlags(client, producer, new ReadinessRegistry(), noLastKnown);
  const percentage = () => (flags.snapshot()[FLAG] as { percentage?: number } | undefined)?.percentage;

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    flags.onApplicationBootstrap();
    await flags.isEnabled('booking.request_mode_enabled');
    // A history on the topic: a rollout stepping up to everyone.
    for (const step of [10, 40, 70, 100]) await flags.set({ name: FLAG, percentage: step });
    await waitFor(
      () => percentage() === 100,
      30_000,
      () => `the rollout's last step read back (now ${percentage()})`,
    );
  }, 90_000);

  afterAll(async () => {
    await flags.onApplicationShutdown();
    await producer.onApplicationShutdown();
    await client.onApplicationShutdown();
  }, 30_000);

  it('does not apply the history again when the reader restarts, and goes on with what is new', async () => {
    const seen: Array<number | undefined> = [];
    flags.onChange((name) => void (name === FLAG && seen.push(percentage())));
    // The reader starts over from the topic's beginning, as after an outage (what followUntilStopped does after a failed start).
    const reader = flags as unknown as { consumer?: { disconnect(): Promise<void> }; follow(): Promise<void> };
    await reader.consumer?.disconnect();
    await reader.follow();
    await flags.set({ name: FLAG, percentage: 100 });
    await waitFor(
      () => seen.length > 0,
      30_000,
      () => 'the new setting to be read',
    );
    // Only the setting published after the restart was applied; nothing older came back in between.
    expect(seen).toEqual([100]);
    expect(percentage()).toBe(100);
  }, 60_000);
});

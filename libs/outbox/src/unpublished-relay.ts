import type { OutboxRelay } from './outbox-relay.js';

/**
 * A relay that publishes nothing, for tests of a store's writes alone: what a write puts in its outbox
 * stays there, pending, as a writer that crashed before publishing leaves it.
 */
export function relayThatNeverPublishes(): OutboxRelay {
  const relay: Pick<OutboxRelay, 'publishSoon' | 'takeDeferredClear' | 'returnDeferredClear'> = {
    publishSoon: () => undefined,
    takeDeferredClear: () => undefined,
    returnDeferredClear: () => undefined,
  };
  return relay as OutboxRelay;
}

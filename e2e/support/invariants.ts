import { checkUntilClean } from '@bp/invariants';
import { infraEnv } from '@bp/testing';
import type { TestPlatform } from './test-platform.js';

/** The invariant checker (npm run check:invariants) over this platform's databases and its Stripe fake, once messages settle. */
export function invariantFindings(platform: TestPlatform, stripeBase: string) {
  return checkUntilClean(
    {
      mongoUrl: infraEnv().MONGO_URL,
      databases: { booking: platform.database('booking-svc'), payment: platform.database('payment-svc'), scheduler: platform.database('scheduler-svc') },
      stripe: { secretKey: 'sk_test_invariants', apiBase: stripeBase },
    },
    15_000,
  );
}

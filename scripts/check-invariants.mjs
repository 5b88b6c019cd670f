// Checks a running platform's records against the rules every booking must keep
// (docs/failure-model.md, "Checking it"): reads booking-svc's, payment-svc's and scheduler-svc's
// databases and, with --stripe, Stripe's view of each payment. Prints each violation with its
// booking id; exit 1 if there is any.
//   npm run check:invariants                      the local platform (npm run up), Stripe not compared
//   npm run check:invariants -- --stripe          also ask Stripe (STRIPE_SECRET_KEY, STRIPE_API_BASE)
//   npm run check:invariants -- --wait 30         re-check for up to 30 s while messages settle
// Databases: MONGO_URL and BOOKING_DB / PAYMENT_DB / SCHEDULER_DB (default booking, payment, scheduler).
import { parseArgs } from 'node:util';
import { checkUntilClean } from '../dist/libs/invariants/src/index.js';
import { serviceEnv } from './lib/env.mjs';

const { values: args } = parseArgs({ options: { stripe: { type: 'boolean', default: false }, wait: { type: 'string', default: '0' } } });
const env = serviceEnv();
const sources = {
  mongoUrl: env.MONGO_URL,
  databases: { booking: env.BOOKING_DB ?? 'booking', payment: env.PAYMENT_DB ?? 'payment', scheduler: env.SCHEDULER_DB ?? 'scheduler' },
  ...(args.stripe ? { stripe: { secretKey: env.STRIPE_SECRET_KEY, ...(env.STRIPE_API_BASE ? { apiBase: env.STRIPE_API_BASE } : {}) } } : {}),
};
if (!sources.mongoUrl) {
  console.error('MONGO_URL is not set (start the platform with npm run up, or set it)');
  process.exit(2);
}
const { violations, deferredCaptures } = await checkUntilClean(sources, Number(args.wait) * 1000);
for (const v of violations) console.log(`${v.rule}\t${v.bookingId}\t${v.detail}`);
for (const id of deferredCaptures) console.log(`deferred-capture\t${id}\tcapture held back by payment.disable_captures (not a violation)`);
console.log(violations.length === 0 ? 'invariants: clean' : `invariants: ${violations.length} violation(s)`);
process.exit(violations.length === 0 ? 0 : 1);

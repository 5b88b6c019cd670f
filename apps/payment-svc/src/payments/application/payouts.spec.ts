import type { Payment } from '../domain/payment.js';
import { captured } from '../domain/payment.fixtures.js';
import type { PayoutAccount } from '../infrastructure/payout-account.repository.js';
import { Payouts } from './payouts.js';

/** Payments due a payout, of two providers: p1 without a Connect account, p2 with one. */
function due(): Payment[] {
  const base = captured();
  return [
    { ...base, bookingId: 'b1', providerId: 'p1' },
    { ...base, bookingId: 'b2', providerId: 'p1' },
    { ...base, bookingId: 'b3', providerId: 'p1' },
    { ...base, bookingId: 'b4', providerId: 'p2' },
  ];
}

/** `transferFails`: the transfer throws after `meanwhile` ran (another pass's write landing first). */
function payoutsWith(payments: Payment[], { transferFails = false, meanwhile = (_stored: Map<string, Payment>) => {} } = {}) {
  const stored = new Map(payments.map((p) => [p.bookingId, p]));
  const calls = { accountLookUps: [] as string[], reads: [] as string[], transfers: 0 };
  const repository = {
    list: async () => [...stored.values()].filter((p) => p.payoutDue),
    find: async (bookingId: string) => (calls.reads.push(bookingId), stored.get(bookingId) ?? null),
    save: async (_previous: Payment, next: Payment) => void stored.set(next.bookingId, next),
  };
  const accounts = {
    find: async (providerId: string): Promise<PayoutAccount | null> => {
      calls.accountLookUps.push(providerId);
      return providerId === 'p2' ? ({ _id: 'p2', stripeAccountId: 'acct_2' } as unknown as PayoutAccount) : null;
    },
  };
  const stripe = {
    transfer: async () => {
      calls.transfers++;
      meanwhile(stored);
      if (transferFails) throw new Error('Stripe is down');
      return { transferId: 'tr_1' };
    },
  };
  return { payouts: new Payouts(repository as never, accounts as never, stripe as never), stored, calls };
}

describe('Payouts.settleDue: the sweep over every payout due', () => {
  it('looks each provider’s account up once per pass, and does not read again the payouts left waiting for one', async () => {
    const { payouts, stored, calls } = payoutsWith(due());

    expect(await payouts.settleDue()).toBe(1);

    expect(calls.accountLookUps.sort()).toEqual(['p1', 'p2']);
    expect(calls.transfers).toBe(1);
    expect(calls.reads).toEqual([]);
    expect(stored.get('b4')).not.toHaveProperty('payoutDue');
    expect(['b1', 'b2', 'b3'].map((id) => stored.get(id)?.payout?.status)).toEqual(['awaiting_account', 'awaiting_account', 'awaiting_account']);
  });

  it('reads a payout its own attempt failed to settle again, and counts it when another pass settled it meanwhile', async () => {
    const settledElsewhere = (stored: Map<string, Payment>) => {
      const { payoutDue: _due, ...rest } = stored.get('b4')!;
      stored.set('b4', { ...rest, payout: { ...rest.payout!, status: 'sent', transferId: 'tr_other' }, version: rest.version + 1 });
    };
    const { payouts, calls } = payoutsWith([due()[3]!], { transferFails: true, meanwhile: settledElsewhere });

    expect(await payouts.settleDue()).toBe(1);
    expect(calls.transfers).toBe(1);
    expect(calls.reads).toEqual(['b4']);
  });
});

describe('Payouts.withStepTaken: the payout step on a payment its caller writes anyway (the capture that made it due)', () => {
  it('takes the step without writing, so the caller writes the capture and the payout together', async () => {
    const [waiting, withAccount] = [due()[0]!, due()[3]!];
    const { payouts, stored, calls } = payoutsWith([]);

    const [noAccount, transferred] = [await payouts.withStepTaken(waiting), await payouts.withStepTaken(withAccount)];

    expect(stored.size).toBe(0);
    expect(noAccount.payout?.status).toBe('awaiting_account');
    expect(transferred).not.toHaveProperty('payoutDue');
    expect(calls.transfers).toBe(1);
  });

  it('leaves the payment as it was when the step fails: still due, for the sweep', async () => {
    const payment = due()[3]!;
    const { payouts } = payoutsWith([], { transferFails: true });

    expect(await payouts.withStepTaken(payment)).toBe(payment);
  });
});

describe('Payouts.settle: one payout, outside a sweep', () => {
  it('looks the provider’s account up and transfers when they have one', async () => {
    const { payouts, stored, calls } = payoutsWith([due()[3]!]);

    const settled = await payouts.settle(due()[3]!);

    expect(calls.accountLookUps).toEqual(['p2']);
    expect(calls.transfers).toBe(1);
    expect(settled).not.toHaveProperty('payoutDue');
    expect(stored.get('b4')).toEqual(settled);
  });
});

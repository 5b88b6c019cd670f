import { DEFAULT_FEE_POLICY } from '@bp/pricing';
import { type NewPayment, type Payment, newPayment, recordCapture, recordHold } from './payment.js';

/** The payment domain specs' shared clock and booking: a 100.00 USD request booking with the default fee. */
export const now = new Date('2030-01-01T10:00:00Z');

export const requestInput: NewPayment = {
  bookingId: 'b1',
  patientId: 'u1',
  providerId: 'p1',
  amountCents: 10_000,
  currency: 'usd',
  captureMode: 'manual',
  feePolicy: DEFAULT_FEE_POLICY,
};

export const request = (): Payment => newPayment(requestInput);
export const held = (): Payment => recordHold(request(), 'pi_1', now);
export const captured = (): Payment => recordCapture(held(), 10_000, now);

import { asSeenBy, isVisibleTo, toBookingUpdate } from './booking-update.js';

const message = {
  eventId: '3f2b8f7e-8a51-4c61-9a53-2f0c6f1d2a10',
  type: 'SlotReserved',
  occurredAt: '2026-03-01T10:00:00.000Z',
  aggregateId: 'r1',
  aggregateVersion: 1,
  correlationId: 'req-1',
  actor: { type: 'patient' as const, id: 'patient-a' },
  payload: { reservationId: 'r1', patientId: 'patient-a', providerId: 'provider-x' },
};

describe('live booking updates', () => {
  const update = toBookingUpdate(message);

  it('reach the patient and the provider of the booking and admins', () => {
    expect(isVisibleTo(update, { id: 'patient-a', role: 'patient' })).toBe(true);
    expect(isVisibleTo(update, { id: 'provider-x', role: 'provider' })).toBe(true);
    expect(isVisibleTo(update, { id: 'admin-1', role: 'admin' })).toBe(true);
  });

  it('do not reach other patients or providers, even one whose id equals the patient id', () => {
    expect(isVisibleTo(update, { id: 'patient-b', role: 'patient' })).toBe(false);
    expect(isVisibleTo(update, { id: 'provider-y', role: 'provider' })).toBe(false);
    expect(isVisibleTo(update, { id: 'patient-a', role: 'provider' })).toBe(false);
  });

  it('give the payment’s authentication secret to the booking’s patient only', () => {
    const action = toBookingUpdate({
      ...message,
      type: 'BookingStatusChanged',
      payload: {
        bookingId: 'b1',
        patientId: 'patient-a',
        providerId: 'provider-x',
        reason: 'payment_action_required',
        paymentAction: { clientSecret: 'pi_1_secret_x' },
      },
    });
    expect(asSeenBy(action, { id: 'patient-a', role: 'patient' }).payload).toMatchObject({ paymentAction: { clientSecret: 'pi_1_secret_x' } });
    for (const viewer of [
      { id: 'provider-x', role: 'provider' as const },
      { id: 'admin-1', role: 'admin' as const },
    ])
      expect(asSeenBy(action, viewer).payload).toEqual({
        bookingId: 'b1',
        patientId: 'patient-a',
        providerId: 'provider-x',
        reason: 'payment_action_required',
      });
  });

  it('do not tell a provider who holds a mere reservation', () => {
    const seen = asSeenBy(update, { id: 'provider-x', role: 'provider' });
    expect(seen.payload).toEqual({ reservationId: 'r1', providerId: 'provider-x' });
    expect(seen).not.toHaveProperty('patientId');
    expect(asSeenBy(update, { id: 'patient-a', role: 'patient' }).payload).toMatchObject({ patientId: 'patient-a' });
  });
});

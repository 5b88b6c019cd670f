import { Topics } from '@bp/contracts';
import { requestContext } from '@bp/platform';
import { buildMessage } from './build-message.js';
import { validateInbound } from './inbound-validation.js';

const payload = {
  reservationId: 'r-1',
  providerId: 'p-1',
  patientId: 'u-1',
  serviceId: 's-1',
  startTime: '2030-01-01T10:00:00.000Z',
  endTime: '2030-01-01T10:30:00.000Z',
  expiresAt: '2029-12-31T10:05:00.000Z',
};

describe('buildMessage', () => {
  it('builds the envelope from the current request context', () => {
    const message = requestContext.run({ requestId: 'req-1', actor: { type: 'patient', id: 'u-1' } }, () =>
      buildMessage(Topics.bookingEvents, 'SlotReserved', payload, { id: 'r-1', version: 3 }, new Date('2030-01-01T00:00:00.000Z')),
    );
    expect(message).toMatchObject({
      topic: 'booking.events.v1',
      key: 'r-1',
      envelope: {
        type: 'SlotReserved',
        aggregateId: 'r-1',
        aggregateVersion: 3,
        correlationId: 'req-1',
        actor: { type: 'patient', id: 'u-1' },
        occurredAt: '2030-01-01T00:00:00.000Z',
        payload,
      },
    });
    expect(message.envelope.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('correlates a message built outside any request with itself', () => {
    const { envelope } = buildMessage(Topics.bookingEvents, 'SlotReserved', payload, { id: 'r-1', version: 1 });
    expect(envelope.correlationId).toBe(envelope.eventId);
    expect(envelope.actor.type).toBe('system');
  });

  // The @ts-expect-error lines are checked by tsc (npm test type-checks specs): remove the contract and they fail.
  it('does not compile with a payload, type or topic its contract does not allow, and consumers reject what slips through', async () => {
    const { patientId: _missing, ...withoutPatient } = payload;
    // @ts-expect-error a SlotReserved payload needs patientId
    const forced = buildMessage(Topics.bookingEvents, 'SlotReserved', withoutPatient, { id: 'r-1', version: 1 });
    // @ts-expect-error booking events have no ReleasePaymentHold type
    buildMessage(Topics.bookingEvents, 'ReleasePaymentHold', payload, { id: 'r-1', version: 1 });
    // @ts-expect-error not a topic
    buildMessage('booking.events.v2', 'SlotReserved', payload, { id: 'r-1', version: 1 });

    const outcome = validateInbound(forced.topic, Buffer.from(JSON.stringify(forced.envelope)));
    expect(outcome).toMatchObject({ valid: false, reason: 'invalid-payload', type: 'SlotReserved' });
    expect(outcome.valid ? '' : outcome.error).toContain('patientId');
  });
});

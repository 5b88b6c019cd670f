import { Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { type OutboxFields, outboxOnInsert, withOutboxCleared, withOutboxReplaced, withOutboxUpdate, withoutOutbox } from './outbox.schema.js';

const at = new Date('2026-12-01T10:00:00Z');
const message = buildMessage(
  Topics.bookingEvents,
  'SlotReserved',
  { reservationId: 'r', providerId: 'p', patientId: 'u', serviceId: 's', startTime: at.toISOString(), endTime: at.toISOString(), expiresAt: at.toISOString() },
  { id: 'r', version: 1 },
);
const record = { collection: 'history', document: { _id: 'r:1' } };

describe('the outbox part of a write', () => {
  it('makes an insert with messages or records pending from its time, at revision 1', () => {
    expect(outboxOnInsert([message], at, [record])).toEqual({
      outbox: [{ eventId: message.envelope.eventId, topic: Topics.bookingEvents, key: 'r', envelope: message.envelope, createdAt: expect.any(Date) }],
      outboxRecords: [record],
      outboxPendingSince: at,
      outboxPending: true,
      outboxRevision: 1,
    });
  });

  it('leaves an insert with nothing to publish out of the relay’s way: not pending', () => {
    expect(outboxOnInsert([], at)).toEqual({ outbox: [], outboxRevision: 0 });
  });

  it('adds the entries to a change without losing the change’s own operators', () => {
    const update = withOutboxUpdate({ $set: { status: 'fired' }, $inc: { version: 1 } }, [message], at, [record]);
    expect(update).toEqual({
      $set: { status: 'fired', outboxPending: true },
      $inc: { version: 1, outboxRevision: 1 },
      $push: { outbox: { $each: [expect.objectContaining({ eventId: message.envelope.eventId })] }, outboxRecords: { $each: [record] } },
      $min: { outboxPendingSince: at },
    });
    expect(withOutboxUpdate({ $set: { status: 'fired' } }, [], at)).toEqual({ $set: { status: 'fired' } });
  });

  it('replaces what an earlier publish sent by this change’s entries when the write carries that publish’s clear', () => {
    const entry = expect.objectContaining({ eventId: message.envelope.eventId });
    expect(withOutboxReplaced({ $set: { status: 'fired' }, $unset: { note: 1 } }, [message], at)).toEqual({
      $set: { status: 'fired', outbox: [entry], outboxPending: true, outboxPendingSince: at },
      $unset: { note: 1, outboxRecords: 1 },
      $inc: { outboxRevision: 1 },
    });
    expect(withOutboxCleared({ $set: { status: 'converted' }, $inc: { version: 1 } })).toEqual({
      $set: { status: 'converted', outbox: [] },
      $unset: { outboxRecords: 1, outboxPending: 1, outboxPendingSince: 1, outboxLockedUntil: 1 },
      $inc: { version: 1 },
    });
    expect(withOutboxReplaced({ $inc: { version: 1 } }, [message], at, [record])).toEqual({
      $set: { outbox: [entry], outboxRecords: [record], outboxPending: true, outboxPendingSince: at },
      $inc: { version: 1, outboxRevision: 1 },
    });
  });
});

describe('withoutOutbox', () => {
  it('returns the aggregate’s own fields only, leaving the stored document as it was', () => {
    const stored: OutboxFields & { _id: string; status: string } = {
      _id: 'b',
      status: 'confirmed',
      ...outboxOnInsert([message], at, [record]),
      outboxLockedUntil: at,
    };
    expect(withoutOutbox(stored)).toEqual({ _id: 'b', status: 'confirmed' });
    expect(stored.outboxRevision).toBe(1);
  });
});

import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { type MessageType, type PayloadOf, Topics } from '@bp/contracts';
import { buildMessage } from '@bp/messaging';
import { type TopicProbe, holdPlaced, probeTopic, publish, publishMessage, testKafka, waitFor } from '@bp/testing';
import { type TestActor, createProvider, internalCall, slotStart } from './support/internal-api.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';
import { sendAndAwaitConsumed } from './support/consumed.js';

/**
 * The booking core on booking-svc as a real process on the real database and Kafka: reservations
 * and their limits, the request and instant flows driven by payment-svc's messages (sent here
 * directly: payment-svc is its own issue), races, idempotency and the audit trail.
 */
describe('booking core', () => {
  let platform: TestPlatform;
  let provider: { id: string; actor: TestActor };
  let paymentCommands: TopicProbe;
  const kafka = testKafka();
  const producer = kafka.producer();

  beforeAll(async () => {
    platform = await startPlatform(['booking-svc'], {
      portOffset: 60,
      // The races below must end in slot refusals however busy the machine is: a request waits for its
      // place in admission control as long as it takes, not a second (503 OVERLOADED has its own spec).
      env: { 'booking-svc': { HTTP_MAX_QUEUE_WAIT_MS: '30000' } },
    });
    provider = await createProvider(platform.url('booking-svc'));
    paymentCommands = await probeTopic(Topics.paymentCommands, kafka);
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer.disconnect();
    await paymentCommands?.stop();
    await platform?.stop();
  }, 60_000);

  const api = <T = any>(method: string, path: string, actor: TestActor, body?: unknown, headers?: Record<string, string>) =>
    internalCall<T>(platform.url('booking-svc'), method, path, actor, body, headers);
  const newPatient = (): TestActor => ({ type: 'patient', id: `patient-${randomUUID()}` });

  async function reserve(patient: TestActor, start: Date, providerId = provider.id) {
    return api('POST', '/internal/reservations', patient, { providerId, serviceId: 'svc-consult', startTime: start.toISOString() });
  }

  async function book(patient: TestActor, hoursAhead: number, providerId = provider.id) {
    const reservation = await reserve(patient, slotStart(hoursAhead), providerId);
    expect(reservation.status).toBe(201);
    const booking = await api('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'Europe/Berlin' });
    expect(booking.status).toBe(201);
    return booking.body.data;
  }

  const sendPaymentEvent = <M extends MessageType<'payment.events.v1'>>(type: M, payload: PayloadOf<'payment.events.v1', M> & { bookingId: string }) =>
    publish(producer, Topics.paymentEvents, type, payload, payload.bookingId);

  const commandFor = (bookingId: string, type: string) =>
    waitFor(
      () => paymentCommands.records.find((r) => r.value?.includes(`"bookingId":"${bookingId}"`) && r.value.includes(`"type":"${type}"`)),
      15_000,
      () => `${type} for ${bookingId}`,
    );
  const statusOf = async (bookingId: string, actor: TestActor) => (await api('GET', `/internal/bookings/${bookingId}`, actor)).body.data?.status;
  const until = (bookingId: string, actor: TestActor, status: string) =>
    waitFor(
      async () => (await statusOf(bookingId, actor)) === status,
      15_000,
      () => `booking ${bookingId} to be ${status}`,
    );

  it('runs a request booking from reservation to confirmed, with the hold and capture commands and a complete audit trail', async () => {
    const patient = newPatient();
    const booking = await book(patient, 30);
    expect(booking).toMatchObject({
      status: 'pending_payment',
      bookingType: 'request',
      bookingNumber: expect.stringMatching(/^FH-\d{8}-[0-9A-HJ-NP-Z]{5}$/),
      payment: { originalAmountCents: 10_000, platformFee: { calculatedFeeCents: 1150 } },
    });
    expect(JSON.parse((await commandFor(booking.id, 'PlacePaymentHold')).value!).payload).toMatchObject({
      amountCents: 10_000,
      platformFeeCents: 1150,
      feePolicy: { percentage: 10, flatFeeCents: 150, maxFeeCents: 3500 },
      bookingType: 'request',
    });

    await holdPlaced(producer, booking.id, 'pi_test_1');
    await until(booking.id, patient, 'pending_confirmation');
    const confirmed = await api('POST', `/internal/bookings/${booking.id}/confirm`, provider.actor);
    expect(confirmed.status).toBe(200);
    await commandFor(booking.id, 'CapturePayment');
    await sendPaymentEvent('PaymentCaptured', { bookingId: booking.id, paymentIntentId: 'pi_test_1', amountCents: 10_000 });
    await until(booking.id, patient, 'confirmed');

    const trail = await api('GET', `/internal/bookings/${booking.id}/events`, provider.actor);
    expect(trail.body.data.map((e: any) => [e.eventType, e.previousStatus, e.newStatus])).toEqual([
      ['created', 'slot_reserved', 'pending_payment'],
      ['payment_held', 'pending_payment', 'pending_confirmation'],
      ['confirmed', 'pending_confirmation', 'pending_confirmation'],
      ['payment_captured', 'pending_confirmation', 'confirmed'],
    ]);
    const final = (await api('GET', `/internal/bookings/${booking.id}`, patient)).body.data;
    expect(final.version).toBe(trail.body.data.length);
  }, 60_000);

  it('books instantly once calendar-svc reports a connected calendar', async () => {
    const instant = await createProvider(platform.url('booking-svc'));
    const event = buildMessage(
      Topics.calendarEvents,
      'CalendarConnectionChanged',
      { providerId: instant.id, connected: true, calendarProvider: 'google' },
      { id: instant.id, version: 1 },
    );
    await publishMessage(producer, event);
    await waitFor(
      async () => (await api('GET', `/internal/providers/${instant.id}/profile`, newPatient())).body.data?.mode === 'instant',
      15_000,
      () => 'instant mode',
    );

    const patient = newPatient();
    const booking = await book(patient, 31, instant.id);
    expect(booking.bookingType).toBe('instant');
    await holdPlaced(producer, booking.id, 'pi_test_2');
    expect(JSON.parse((await commandFor(booking.id, 'CapturePayment')).value!).payload).toMatchObject({ amountCents: 10_000, reason: 'instant_booking' });
    await sendPaymentEvent('PaymentCaptured', { bookingId: booking.id, paymentIntentId: 'pi_test_2', amountCents: 10_000 });
    await until(booking.id, patient, 'confirmed');
  }, 60_000);

  it('lets 200 concurrent reservations over overlapping intervals leave no two holds overlapping', async () => {
    const racer = await createProvider(platform.url('booking-svc'));
    const base = slotStart(48);
    // Starts every 5 minutes over 4 hours: 30-minute service + 15-minute buffer, so most overlap.
    const attempts = Array.from({ length: 200 }, (_, i) => reserve(newPatient(), new Date(base.getTime() + ((i * 37) % 48) * 5 * 60_000), racer.id));
    const answers = await Promise.all(attempts);
    const won = answers.filter((a) => a.status === 201).map((a) => a.body.data);
    const lost = answers.filter((a) => a.status !== 201);
    const refusals = lost.map((a) => `${a.status} ${a.body.error?.code}`);
    expect(refusals).toEqual(lost.map(() => '409 SLOT_UNAVAILABLE'));
    // Any maximal set of 45-minute blocks with starts in a 235-minute span has at least 3 members.
    expect(won.length).toBeGreaterThanOrEqual(3);
    const occupied = won
      .map((r: any) => ({ start: Date.parse(r.startTime), end: Date.parse(r.endTime) + r.bufferMinutes * 60_000 }))
      .sort((a, b) => a.start - b.start);
    for (let i = 1; i < occupied.length; i++) expect(occupied[i]!.start).toBeGreaterThanOrEqual(occupied[i - 1]!.end);
  }, 120_000);

  it('gives a hot slot to exactly one of 60 patients reserving it at once; the winner’s retry gets the same reservation, a latecomer is refused', async () => {
    const hot = await createProvider(platform.url('booking-svc'));
    const body = { providerId: hot.id, serviceId: 'svc-consult', startTime: slotStart(44).toISOString() };
    const patients = Array.from({ length: 60 }, () => ({ patient: newPatient(), key: { 'x-idempotency-key': `hot-${randomUUID()}` } }));

    const answers = await Promise.all(patients.map(({ patient, key }) => api('POST', '/internal/reservations', patient, body, key)));

    const winners = answers.flatMap((answer, i) => (answer.status === 201 ? [i] : []));
    expect(winners).toHaveLength(1);
    const losers = answers.filter((answer) => answer.status !== 201).map((answer) => [answer.status, answer.body.error?.code]);
    expect(losers).toEqual(Array(59).fill([409, 'SLOT_UNAVAILABLE']));

    const winner = patients[winners[0]!]!;
    const first = answers[winners[0]!]!.body.data;
    expect(first).toMatchObject({ providerId: hot.id, patientId: winner.patient.id, startTime: body.startTime, status: 'active' });
    // The winner repeats its request (a lost response): the same reservation, answered as the first time.
    const replay = await api('POST', '/internal/reservations', winner.patient, body, winner.key);
    expect(replay.status).toBe(201);
    expect(replay.body.data).toEqual(first);

    const latecomer = await api('POST', '/internal/reservations', newPatient(), body);
    expect(latecomer).toMatchObject({ status: 409, body: { error: { code: 'SLOT_UNAVAILABLE' } } });
  }, 60_000);

  it('caps a patient at three live reservations; one that becomes a booking gives its place back', async () => {
    const patient = newPatient();
    const answers = [];
    for (const hours of [60, 61, 62, 63]) answers.push(await reserve(patient, slotStart(hours)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429]);
    expect(answers[3]?.body.error?.code).toBe('RESERVATION_LIMIT_REACHED');
    const booked = await api('POST', '/internal/bookings', patient, { reservationId: answers[0]!.body.data.id, patientTimezone: 'UTC' });
    expect(booked.status).toBe(201);
    expect((await reserve(patient, slotStart(63))).status).toBe(201);
    expect((await reserve(patient, slotStart(64))).body.error?.code).toBe('RESERVATION_LIMIT_REACHED');
  });

  it('gives one winner when the provider confirms, declines and the patient cancels at once', async () => {
    const patient = newPatient();
    const booking = await book(patient, 34);
    await holdPlaced(producer, booking.id, 'pi_test_3');
    await until(booking.id, patient, 'pending_confirmation');
    const answers = await Promise.all([
      api('POST', `/internal/bookings/${booking.id}/confirm`, provider.actor),
      api('POST', `/internal/bookings/${booking.id}/decline`, provider.actor, { reason: 'busy' }),
      api('POST', `/internal/bookings/${booking.id}/cancel`, patient, {}),
      api('POST', `/internal/bookings/${booking.id}/confirm`, provider.actor),
    ]);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const loser of answers.filter((a) => a.status !== 200)) expect(['VERSION_CONFLICT', 'INVALID_TRANSITION']).toContain(loser.body.error?.code);
    const trail = (await api('GET', `/internal/bookings/${booking.id}/events`, patient)).body.data;
    expect(trail).toHaveLength(3); // created, payment_held, and the one winner
  }, 60_000);

  it('expires an unanswered request at its deadline, releasing the slot; a late deadline after an answer changes nothing', async () => {
    const patient = newPatient();
    const start = slotStart(36);
    const reservation = await reserve(patient, start);
    const booking = (await api('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' })).body.data;
    await holdPlaced(producer, booking.id, 'pi_test_4');
    await until(booking.id, patient, 'pending_confirmation');
    // Let the provider's deadline pass without waiting a day.
    await platform.mongo
      .db(platform.database('booking-svc'))
      .collection('bookings')
      .updateOne({ _id: booking.id as never }, { $set: { 'confirmation.expiresAt': new Date(Date.now() - 1000) } });
    const expire = buildMessage(
      Topics.bookingCommands,
      'ExpireBookingDeadline',
      { bookingId: booking.id, deadline: 'confirmation' },
      { id: booking.id, version: 1 },
    );
    await publishMessage(producer, expire);
    await until(booking.id, patient, 'expired');
    expect(JSON.parse((await commandFor(booking.id, 'ReleasePaymentHold')).value!).payload.reason).toBe('confirmation_expired');
    // The slot is free again.
    expect((await reserve(newPatient(), start)).status).toBe(201);
    // The same deadline delivered again is a no-op, not an error.
    await sendAndAwaitConsumed(platform.url('booking-svc'), { topic: Topics.bookingCommands, type: 'ExpireBookingDeadline' }, () =>
      producer.send({ topic: expire.topic, messages: [{ key: expire.key, value: JSON.stringify({ ...expire.envelope, eventId: randomUUID() }) }] }),
    );
    expect((await api('GET', `/internal/bookings/${booking.id}/events`, patient)).body.data).toHaveLength(3);
  }, 60_000);

  it('replays an idempotent request and refuses the key for a different body', async () => {
    const patient = newPatient();
    const reservation = await reserve(patient, slotStart(40));
    const body = { reservationId: reservation.body.data.id, patientTimezone: 'America/New_York' };
    const key = { 'x-idempotency-key': `create-${randomUUID()}` };
    const first = await api('POST', '/internal/bookings', patient, body, key);
    const again = await api('POST', '/internal/bookings', patient, body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.data.id).toBe(first.body.data.id);
    // A retry under a new key (the client lost the first answer and its key): the reservation is used, and the booking made of it is the answer.
    const newKey = await api('POST', '/internal/bookings', patient, body, { 'x-idempotency-key': `create-${randomUUID()}` });
    expect(newKey.status).toBe(200);
    expect(newKey.body.data.id).toBe(first.body.data.id);
    const stranger = await api('POST', '/internal/bookings', newPatient(), body, { 'x-idempotency-key': `create-${randomUUID()}` });
    expect(stranger.status).toBeGreaterThanOrEqual(400);
    expect(stranger.body.data).toBeUndefined();
    const different = await api('POST', '/internal/bookings', patient, { ...body, patientTimezone: 'UTC' }, key);
    expect(different.status).toBe(422);
    expect(different.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('finishes, on a retry, a booking whose first request stopped after its write: the hold made permanent, the reservation converted', async () => {
    const patient = newPatient();
    const reservation = (await reserve(patient, slotStart(43))).body.data;
    const body = { reservationId: reservation.id, patientTimezone: 'UTC' };
    const first = await api('POST', '/internal/bookings', patient, body, { 'x-idempotency-key': `create-${randomUUID()}` });
    expect(first.status).toBe(201);
    // What a crash between the booking's write and the steps after it leaves: the hold still lapsing
    // (extended for the write only, so the patient's place still counts), the reservation still active.
    const db = platform.mongo.db(platform.database('booking-svc'));
    const lapsesAt = new Date(Date.now() + 10 * 60_000);
    await db.collection('slot_holds').updateOne({ _id: reservation.id as never }, { $set: { expiresAt: lapsesAt, lapsing: true } });
    await db.collection('slot_reservations').updateOne({ _id: reservation.id as never }, { $set: { status: 'active' }, $unset: { convertedAt: 1 } });

    const retried = await api('POST', '/internal/bookings', patient, body, { 'x-idempotency-key': `create-${randomUUID()}` });
    expect(retried.status).toBe(200);
    expect(retried.body.data.id).toBe(first.body.data.id);
    const after = await db.collection('slot_holds').findOne({ _id: reservation.id as never });
    expect(after).not.toHaveProperty('expiresAt');
    expect(after).not.toHaveProperty('lapsing');
    expect(await db.collection('slot_reservations').findOne({ _id: reservation.id as never })).toMatchObject({ status: 'converted' });
  }, 60_000);

  it('keeps the slot of a booking whose first request stopped after its write and was never retried, and the cleanup repairs its hold', async () => {
    const patient = newPatient();
    const start = slotStart(44);
    const reservation = (await reserve(patient, start)).body.data;
    const created = await api('POST', '/internal/bookings', patient, { reservationId: reservation.id, patientTimezone: 'UTC' });
    expect(created.status).toBe(201);
    const db = platform.mongo.db(platform.database('booking-svc'));
    const hold = await db.collection('slot_holds').findOne({ _id: reservation.id as never });
    expect(hold).toMatchObject({ bookingId: created.body.data.id }); // named before the booking's write
    // What a crash between the booking's write and the steps after it leaves, once its grace ran out and
    // nobody retried: the hold lapsed, the reservation still active and lapsed.
    const past = new Date(Date.now() - 60_000);
    await db.collection('slot_holds').updateOne({ _id: reservation.id as never }, { $set: { expiresAt: past, lapsing: true } });
    await db
      .collection('slot_reservations')
      .updateOne({ _id: reservation.id as never }, { $set: { status: 'active', expiresAt: past }, $unset: { convertedAt: 1 } });

    // The booking still holds its time: another patient is refused it (before, they took it over).
    expect((await reserve(newPatient(), start)).body.error?.code).toBe('SLOT_UNAVAILABLE');

    await publish(
      producer,
      Topics.bookingCommands,
      'CleanUpBookingHolds',
      { runId: `cleanup:${randomUUID()}`, scheduledFor: new Date().toISOString() },
      'cleanup',
    );
    await waitFor(
      async () => (await db.collection('slot_reservations').findOne({ _id: reservation.id as never }))?.['status'] === 'converted',
      30_000,
      () => 'the cleanup to convert the reservation',
    );
    const repaired = await db.collection('slot_holds').findOne({ _id: reservation.id as never });
    expect(repaired).not.toHaveProperty('expiresAt');
    expect(repaired).not.toHaveProperty('lapsing');
    expect((await reserve(newPatient(), start)).body.error?.code).toBe('SLOT_UNAVAILABLE');
    const metrics = await (await fetch(`${platform.url('booking-svc')}/metrics`)).text();
    expect(metrics).toMatch(/^booking_holds_repaired_total(\{[^}]*\})? [1-9]/m);
  }, 60_000);

  it('lists availability across Denver’s DST changes for a requester in Berlin; a reservation takes its slot and buffer away', async () => {
    const sunday = [{ start: '00:00', end: '05:00' }];
    const early = await createProvider(platform.url('booking-svc'), {
      weeklyHours: { '7': sunday },
      settings: { minimumNoticeHours: 1, bufferMinutes: 15, maximumAdvanceDays: 365 },
    });
    const availability = async (date: string) =>
      (await api('GET', `/internal/providers/${early.id}/availability?serviceId=svc-consult&from=${date}&to=${date}&timezone=Europe/Berlin`, newPatient())).body
        .data;

    // Spring forward (2027-03-14): 00:00–05:00 local is four real hours, 02:00–03:00 never happens.
    const spring = await availability('2027-03-14');
    // Slots are in UTC; the answer names the zones to render them in.
    expect(spring).toMatchObject({ providerTimezone: 'America/Denver', requesterTimezone: 'Europe/Berlin', durationMinutes: 30 });
    const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toISO()!;
    expect(spring.slots.map((s: any) => s.start.slice(11, 16))).toEqual(['07:00', '07:30', '08:00', '08:30', '09:00', '09:30', '10:00', '10:30']);
    expect(spring.slots.map((s: any) => local(s.start, spring.providerTimezone).slice(11, 16))).toEqual([
      '00:00',
      '00:30',
      '01:00',
      '01:30',
      '03:00',
      '03:30',
      '04:00',
      '04:30',
    ]);
    expect(spring.slots[0]).toEqual({ start: '2027-03-14T07:00:00.000Z', end: '2027-03-14T07:30:00.000Z' });
    expect(local(spring.slots[0].start, spring.requesterTimezone)).toBe('2027-03-14T08:00:00.000+01:00');
    // Fall back (2027-11-07): six real hours, 01:00–02:00 happens twice.
    const fall = await availability('2027-11-07');
    expect(fall.slots).toHaveLength(12);
    const inDenver = fall.slots.map((s: any) => local(s.start, 'America/Denver'));
    expect(inDenver.filter((start: string) => start.slice(11, 16) === '01:00').map((start: string) => start.slice(-6))).toEqual(['-06:00', '-07:00']);

    const reserved = await reserve(newPatient(), new Date('2027-03-14T08:00:00.000Z'), early.id);
    expect(reserved.status).toBe(201);
    // The read model follows the reservation's commit (its outbox), a moment after the answer.
    const after = await waitFor(async () => {
      const now = await availability('2027-03-14');
      return now.slots.length < 8 ? now : undefined;
    });
    // 08:00 is taken; 07:30 would end at 08:00 but its buffer runs to 08:15; 08:30 starts inside 08:00's buffer.
    expect(after.slots.map((s: any) => s.start.slice(11, 16))).toEqual(['07:00', '09:00', '09:30', '10:00', '10:30']);
  });

  it('lists a patient’s bookings page by page and a provider’s pending requests, soonest deadline first', async () => {
    const patient = newPatient();
    const lister = await createProvider(platform.url('booking-svc'));
    const made = [];
    for (const hours of [50, 51, 52]) made.push(await book(patient, hours, lister.id));
    const first = await api('GET', '/internal/bookings/mine?limit=2', patient);
    expect(first.body.data.items.map((b: any) => b.id)).toEqual([made[2].id, made[1].id]);
    const second = await api('GET', `/internal/bookings/mine?limit=2&cursor=${first.body.data.nextCursor}`, patient);
    expect(second.body.data).toEqual({ items: [expect.objectContaining({ id: made[0].id })], nextCursor: null });
    expect((await api('GET', '/internal/bookings/mine?status=confirmed', patient)).body.data.items).toEqual([]);
    expect((await api('GET', '/internal/bookings/mine?status=bogus', patient)).status).toBe(400);

    for (const booking of [made[1], made[0]]) {
      await holdPlaced(producer, booking.id, `pi_${booking.id}`);
      await until(booking.id, patient, 'pending_confirmation');
    }
    const pendingList = await api('GET', '/internal/bookings/pending', lister.actor);
    expect(pendingList.body.data.map((b: any) => b.id)).toEqual([made[1].id, made[0].id]);
    expect((await api('GET', '/internal/bookings/pending', patient)).status).toBe(403);
  }, 60_000);

  it('auto-confirms requests up to the provider’s daily cap, then leaves them to the provider', async () => {
    const auto = await createProvider(platform.url('booking-svc'), {
      settings: { minimumNoticeHours: 1, bufferMinutes: 0, autoConfirm: { enabled: true, maxDailyAutoConfirm: 1 } },
    });
    const patient = newPatient();
    const [first, second] = [await book(patient, 70, auto.id), await book(patient, 71, auto.id)];
    for (const booking of [first, second]) {
      await holdPlaced(producer, booking.id, `pi_${booking.id}`);
      await until(booking.id, patient, 'pending_confirmation');
    }
    await commandFor(first.id, 'CapturePayment');
    const trails = await Promise.all([first, second].map(async (b) => (await api('GET', `/internal/bookings/${b.id}/events`, patient)).body.data));
    expect(trails[0].at(-1)).toMatchObject({ eventType: 'confirmed', actor: { type: 'system', id: 'auto-confirm' } });
    expect(trails[1].map((e: any) => e.eventType)).toEqual(['created', 'payment_held']);
  }, 60_000);

  it('moves a booking to the time the provider proposes when the patient accepts, freeing the old slot', async () => {
    const patient = newPatient();
    const oldStart = slotStart(80);
    const reservation = await reserve(patient, oldStart);
    const booking = (await api('POST', '/internal/bookings', patient, { reservationId: reservation.body.data.id, patientTimezone: 'UTC' })).body.data;
    await holdPlaced(producer, booking.id, 'pi_resched');
    await until(booking.id, patient, 'pending_confirmation');
    const newStart = slotStart(82);
    const proposed = await api('POST', `/internal/bookings/${booking.id}/reschedule`, provider.actor, {
      startTime: newStart.toISOString(),
      message: 'Could you do 2 hours later?',
    });
    expect(proposed.status).toBe(200);
    expect(proposed.body.data).toMatchObject({ status: 'reschedule_proposed', reschedule: { count: 1, current: { proposedStart: newStart.toISOString() } } });
    // The proposed time is held: nobody else can take it meanwhile.
    expect((await reserve(newPatient(), newStart)).body.error?.code).toBe('SLOT_UNAVAILABLE');

    const accepted = await api('POST', `/internal/bookings/${booking.id}/accept-reschedule`, patient);
    expect(accepted.body.data.dateTime.confirmedStart).toBe(newStart.toISOString());
    await sendPaymentEvent('PaymentCaptured', { bookingId: booking.id, paymentIntentId: 'pi_resched', amountCents: 10_000 });
    await until(booking.id, patient, 'confirmed');
    expect((await reserve(newPatient(), oldStart)).status).toBe(201);
    const history = (await api('GET', `/internal/bookings/${booking.id}`, patient)).body.data.reschedule.history;
    expect(history).toEqual([
      expect.objectContaining({
        attemptNumber: 1,
        fromStart: oldStart.toISOString(),
        toStart: newStart.toISOString(),
        accepted: true,
        message: 'Could you do 2 hours later?',
      }),
    ]);
  }, 60_000);

  it('runs concurrent duplicates of one idempotent request once', async () => {
    const patient = newPatient();
    const reservation = await reserve(patient, slotStart(90));
    const body = { reservationId: reservation.body.data.id, patientTimezone: 'UTC' };
    const key = { 'x-idempotency-key': `dup-${randomUUID()}` };
    const answers = await Promise.all(Array.from({ length: 6 }, () => api('POST', '/internal/bookings', patient, body, key)));
    const ok = answers.filter((a) => a.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const other of answers.filter((a) => a.status !== 201))
      expect(other).toMatchObject({ status: 409, body: { error: { code: 'IDEMPOTENCY_KEY_IN_PROGRESS' } } });
    expect(new Set(ok.map((a) => a.body.data.id)).size).toBe(1);
    const mine = (await api('GET', '/internal/bookings/mine', patient)).body.data.items;
    expect(mine).toHaveLength(1);
    expect(mine[0].audit).toBeUndefined();
  }, 30_000);

  it('keeps a provider’s external calendar busy times out of availability and reservations, until calendar-svc clears them', async () => {
    const busyProvider = await createProvider(platform.url('booking-svc'), { settings: { minimumNoticeHours: 1, bufferMinutes: 0, maximumAdvanceDays: 365 } });
    const date = '2027-02-02';
    const from = new Date('2027-02-02T00:00:00.000Z');
    const to = new Date('2027-02-04T00:00:00.000Z');
    const meeting = { start: '2027-02-02T17:00:00.000Z', end: '2027-02-02T18:00:00.000Z' }; // 10:00–11:00 in Denver
    const update = (busy: Array<{ start: string; end: string }>) =>
      buildMessage(
        Topics.calendarEvents,
        'ProviderBusyTimesUpdated',
        { providerId: busyProvider.id, from: from.toISOString(), to: to.toISOString(), busy },
        { id: busyProvider.id, version: 1 },
      );
    const starts = async () =>
      (
        (await api('GET', `/internal/providers/${busyProvider.id}/availability?serviceId=svc-consult&from=${date}&to=${date}`, newPatient())).body.data
          .slots as any[]
      ).map((s) => s.start);

    let message = update([meeting]);
    await publishMessage(producer, message);
    await waitFor(
      async () => !(await starts()).includes('2027-02-02T17:00:00.000Z'),
      15_000,
      () => 'the busy time to apply',
    );
    const during = await starts();
    expect(during).not.toContain('2027-02-02T17:30:00.000Z');
    expect(during).toContain('2027-02-02T16:30:00.000Z');
    expect(during).toContain('2027-02-02T18:00:00.000Z');
    const refused = await reserve(newPatient(), new Date(meeting.start), busyProvider.id);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'SLOT_UNAVAILABLE', details: { reason: 'calendar_busy' } } } });

    message = update([]);
    await publishMessage(producer, message);
    await waitFor(
      async () => (await starts()).includes('2027-02-02T17:00:00.000Z'),
      15_000,
      () => 'the busy time to clear',
    );
    expect((await reserve(newPatient(), new Date(meeting.start), busyProvider.id)).status).toBe(201);
  }, 60_000);

  it('keeps other people out of a booking', async () => {
    const patient = newPatient();
    const booking = await book(patient, 42);
    expect((await api('GET', `/internal/bookings/${booking.id}`, newPatient())).status).toBe(404);
    expect((await api('GET', `/internal/bookings/${booking.id}`, { type: 'provider', id: 'someone-else' })).status).toBe(404);
    expect((await api('POST', `/internal/bookings/${booking.id}/confirm`, patient)).status).toBe(403);
    expect((await api('GET', `/internal/bookings/${booking.id}`, { type: 'admin', id: 'a' })).status).toBe(200);
  });
});

// Demo data for a running platform (`npm run up` first): two providers on booking-svc.
//   npm run seed              fixed ids; a provider that already exists (409 PROVIDER_EXISTS) counts as
//                             already seeded and is left as it is (its stored profile is printed)
//   npm run seed -- --fresh   new ids each run (demo-<yyyymmddhhmmss>-…), e.g. after changing this file
//
// - demo-instant-denver: America/Denver, instant booking fixed by an admin (settings.mode 'instant',
//   modeOverride true), so it books instantly without a connected calendar.
// - demo-request-london: Europe/London, request mode (the default without a calendar; not fixed, so
//   connecting a calendar would switch it to instant). Created by the provider itself, not an admin.
// Each has three services, weekly hours, a day off (an override with no windows) on a working day a
// few days after the first seeding, and its own booking settings. Talks to booking-svc's internal API
// as the gateway would (a token signed with the gateway's development key, idempotency keys).
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { BOOKING_URL, callBookingSvc as call, ensureBookingSvcReady as ensureReady } from './lib/booking-api.mjs';
import { services } from './lib/env.mjs';

const { values: args } = parseArgs({ options: { fresh: { type: 'boolean', default: false } } });
const gatewayPort = services.find((s) => s.name === 'gateway')?.port ?? 3000;
const GATEWAY_URL = `http://127.0.0.1:${gatewayPort}`;
const ADMIN = { type: 'admin', id: 'demo-admin' };

/** The first date ≥ today + 3 days (in the zone) whose ISO weekday has working hours: the day off. */
function dayOff(zone, weeklyHours) {
  let day = DateTime.now().setZone(zone).startOf('day').plus({ days: 3 });
  while (!(weeklyHours[String(day.weekday)]?.length > 0)) day = day.plus({ days: 1 });
  return day.toISODate();
}

const weekdays = (windows, days = ['1', '2', '3', '4', '5']) => Object.fromEntries(days.map((d) => [d, windows]));

const stamp = DateTime.utc().toFormat('yyyyMMddHHmmss');
const id = (name) => (args.fresh ? `demo-${stamp}-${name}` : `demo-${name}`);

const denverHours = {
  ...weekdays([
    { start: '08:00', end: '12:00' },
    { start: '13:00', end: '17:00' },
  ]),
  6: [{ start: '09:00', end: '13:00' }],
};
const londonHours = { ...weekdays([{ start: '09:00', end: '17:30' }], ['1', '2', '3', '4']), 5: [{ start: '09:00', end: '13:00' }] };

const providers = [
  {
    id: id('instant-denver'),
    creator: ADMIN,
    body: {
      timezone: 'America/Denver',
      services: [
        { id: 'svc-initial-consult', name: 'Initial consultation', category: 'primary-care', durationMinutes: 60, priceCents: 15_000, currency: 'usd' },
        { id: 'svc-follow-up', name: 'Follow-up visit', category: 'primary-care', durationMinutes: 30, priceCents: 9_000, currency: 'usd' },
        { id: 'svc-telehealth-check', name: 'Telehealth check-in', category: 'telehealth', durationMinutes: 15, priceCents: 4_500, currency: 'usd' },
      ],
      weeklyHours: denverHours,
      overrides: [{ date: dayOff('America/Denver', denverHours), windows: [] }],
      settings: {
        mode: 'instant',
        modeOverride: true,
        minimumNoticeHours: 2,
        maximumAdvanceDays: 60,
        bufferMinutes: 10,
        confirmationDeadlineHours: 24,
        cancellationNoticeHours: 24,
      },
    },
  },
  {
    id: id('request-london'),
    creator: undefined, // the provider itself
    body: {
      timezone: 'Europe/London',
      services: [
        { id: 'svc-physio-assessment', name: 'Physiotherapy assessment', category: 'physiotherapy', durationMinutes: 45, priceCents: 8_500, currency: 'gbp' },
        { id: 'svc-physio-session', name: 'Physiotherapy session', category: 'physiotherapy', durationMinutes: 30, priceCents: 6_000, currency: 'gbp' },
        { id: 'svc-sports-massage', name: 'Sports massage', category: 'physiotherapy', durationMinutes: 60, priceCents: 7_000, currency: 'gbp' },
      ],
      weeklyHours: londonHours,
      overrides: [{ date: dayOff('Europe/London', londonHours), windows: [] }],
      settings: { minimumNoticeHours: 24, maximumAdvanceDays: 90, bufferMinutes: 15, confirmationDeadlineHours: 48, cancellationNoticeHours: 48 },
    },
  },
];

await ensureReady();
console.log(`Seeding booking-svc at ${BOOKING_URL}${args.fresh ? ' (fresh ids)' : ''}\n`);

const seeded = [];
for (const provider of providers) {
  const actor = provider.creator ?? { type: 'provider', id: provider.id };
  const created = await call('PUT', `/internal/providers/${provider.id}`, actor, provider.body);
  let outcome;
  if (created.status === 201) outcome = 'created';
  else if (created.status === 409 && created.body?.error?.code === 'PROVIDER_EXISTS') outcome = 'already seeded (kept as stored)';
  else {
    console.error(`PUT /internal/providers/${provider.id} answered ${created.status}: ${JSON.stringify(created.body)}`);
    process.exit(1);
  }
  const stored = await call('GET', `/internal/providers/${provider.id}`, ADMIN);
  if (stored.status !== 200) {
    console.error(`GET /internal/providers/${provider.id} answered ${stored.status}: ${JSON.stringify(stored.body)}`);
    process.exit(1);
  }
  seeded.push({ outcome, profile: stored.body.data });
}

const money = (cents, currency) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
const hours = (weekly) =>
  Object.entries(weekly ?? {})
    .filter(([, windows]) => windows?.length)
    .map(([day, windows]) => `${['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][day]} ${windows.map((w) => `${w.start}-${w.end}`).join(',')}`)
    .join('; ');

for (const { outcome, profile } of seeded) {
  const s = profile.settings ?? {};
  console.log(`Provider ${profile.id}  [${outcome}]`);
  console.log(`  mode:      ${profile.mode}${s.modeOverride ? ' (fixed by admin)' : ''}`);
  console.log(`  time zone: ${profile.timezone}`);
  console.log(`  hours:     ${hours(profile.schedule?.weeklyHours)}`);
  console.log(
    `  days off:  ${
      (profile.schedule?.overrides ?? [])
        .filter((o) => o.windows.length === 0)
        .map((o) => o.date)
        .join(', ') || '-'
    }`,
  );
  console.log(
    `  settings:  notice ${s.minimumNoticeHours} h, advance ${s.maximumAdvanceDays} days, buffer ${s.bufferMinutes} min, confirm within ${s.confirmationDeadlineHours} h`,
  );
  console.log('  services:');
  for (const svc of profile.services)
    console.log(`    ${svc.id.padEnd(24)} ${svc.name.padEnd(28)} ${String(svc.durationMinutes).padStart(3)} min  ${money(svc.priceCents, svc.currency)}`);
  console.log('');
}

// One real availability call per provider, so the output shows the data answering.
const example = seeded[0].profile;
const from = DateTime.now().setZone(example.timezone).toISODate();
const to = DateTime.now().setZone(example.timezone).plus({ days: 13 }).toISODate();
const availabilityPath = (p) => `/internal/providers/${p.id}/availability?serviceId=${p.services[0].id}&from=${from}&to=${to}&timezone=Europe/Berlin`;
let exampleSlot;
for (const { profile } of seeded) {
  const answer = await call('GET', availabilityPath(profile), { type: 'patient', id: 'demo-patient-1' });
  const slots = answer.body?.data?.slots ?? [];
  if (profile === example) exampleSlot = slots[0];
  console.log(
    `Availability ${profile.id} / ${profile.services[0].id}, ${from}..${to}: HTTP ${answer.status}, ${slots.length} slots${slots[0] ? `, first ${DateTime.fromISO(slots[0].start).setZone(profile.timezone).toISO()} (${slots[0].start} UTC)` : ''}`,
  );
}

console.log(`
Try it:
  # a patient token for the gateway, the availability through it, then hold a slot
  TOKEN=$(npm run -s token -- --role patient --sub demo-patient-1)
  curl -s "${GATEWAY_URL}${availabilityPath(example).replace('/internal/', '/api/')}" -H "authorization: Bearer $TOKEN"
  curl -s -X POST ${GATEWAY_URL}/api/bookings/reserve-slot -H "authorization: Bearer $TOKEN" \\
    -H "content-type: application/json" -H "x-idempotency-key: $(node -p 'crypto.randomUUID()')" \\
    -d '{"providerId":"${example.id}","serviceId":"${example.services[0].id}","startTime":"${exampleSlot?.start ?? '<slot start>'}","endTime":"${exampleSlot?.end ?? '<slot end>'}"}'

  # tokens for the seeded providers
  npm run token -- --role provider --sub ${seeded[0].profile.id}
  npm run token -- --role provider --sub ${seeded[1].profile.id}`);

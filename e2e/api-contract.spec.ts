// @slow: schemathesis fuzzes every operation for several minutes (jest/slow-first-sequencer.js starts it first)
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_FLAGS, FEATURE_FLAG_NAMES } from '@bp/contracts';
import { devToken, waitFor } from '@bp/testing';
import { ROUND_THE_CLOCK, slotStart } from './support/internal-api.js';
import { fuzz, fuzzableDocument, schemathesisBinary } from './support/schemathesis.js';
import { type TestPlatform, startPlatform } from './support/test-platform.js';

/** The live streams never end an answer: fuzzing them would wait forever. Their documented failures are checked below instead. */
const STREAMS = ['/api/bookings/events', '/api/live/ws'];

/**
 * The OpenAPI document against the real platform: schemathesis fuzzes every operation (valid and
 * invalid input, wrong methods, missing headers) and fails on any 5xx or any answer the document does
 * not describe. One run per role, over the routes that role may use (others answer 403, documented).
 */
describe('the API answers exactly as its OpenAPI document says', () => {
  let platform: TestPlatform;
  let binary: string;
  const providerId = `provider-${randomUUID()}`;
  const tokens: Record<'patient' | 'provider' | 'admin', string> = { patient: '', provider: '', admin: '' };
  let documentDir: string;
  let fuzzed: string;

  /**
   * Every feature flag back to its default. The admin's fuzzing sets flags, and flags live on one
   * compacted topic every platform on this Kafka follows: a kill switch left on would answer 503.
   */
  async function resetFeatureFlags(): Promise<void> {
    for (const name of FEATURE_FLAG_NAMES) {
      const { kind, default: value } = FEATURE_FLAGS[name];
      const answer = await fetch(`${platform.url('gateway')}/api/admin/feature-flags/${name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json', 'x-idempotency-key': `k-${randomUUID()}` },
        body: JSON.stringify(kind === 'percentage' ? { percentage: value } : { enabled: value }),
      });
      expect(answer.status).toBe(200);
    }
  }

  beforeAll(async () => {
    [binary, platform] = await Promise.all([
      schemathesisBinary(),
      startPlatform(['gateway', 'booking-svc', 'payment-svc', 'calendar-svc', 'notification-svc'], {
        portOffset: 800,
        // Rate limiting has its own specs; here every limit is out of reach: a fuzz run sends over 12,000
        // requests a minute from one address, and limits would turn them into 429s.
        env: {
          gateway: {
            RATE_LIMIT_PER_USER_PER_MINUTE: '1000000',
            RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
            RATE_LIMIT_PER_IP_AUTHENTICATED_PER_MINUTE: '1000000',
          },
        },
      }),
    ]);
    tokens.patient = await devToken('patient', `patient-${randomUUID()}`);
    tokens.provider = await devToken('provider', providerId);
    tokens.admin = await devToken('admin', `admin-${randomUUID()}`);
    const created = await fetch(`${platform.url('gateway')}/api/providers/${providerId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json', 'x-idempotency-key': `k-${randomUUID()}` },
      body: JSON.stringify({
        displayName: 'Dr. Fuzz',
        timezone: 'America/Denver',
        services: [{ id: 'svc-consult', name: 'Consultation', category: 'general', durationMinutes: 30, priceCents: 10_000 }],
        weeklyHours: ROUND_THE_CLOCK,
        overrides: [],
        settings: { minimumNoticeHours: 1 },
      }),
    });
    expect(created.status).toBe(201);
    documentDir = await mkdtemp(join(tmpdir(), 'openapi-'));
    fuzzed = await fuzzableDocument(`${platform.url('gateway')}/docs-json`, documentDir);
    await resetFeatureFlags();
    // Flags reach booking-svc over Kafka: bookings are open once a reservation is taken.
    await waitFor(
      async () => {
        const reserved = await fetch(`${platform.url('gateway')}/api/bookings/reserve-slot`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tokens.patient}`, 'content-type': 'application/json', 'x-idempotency-key': `k-${randomUUID()}` },
          body: JSON.stringify({ providerId, serviceId: 'svc-consult', startTime: slotStart(30).toISOString() }),
        });
        return reserved.status === 201;
      },
      20_000,
      () => 'bookings to be open (booking.disable_all_bookings off)',
    );
  }, 600_000);

  afterAll(async () => {
    if (platform) await resetFeatureFlags();
    await platform?.stop();
    if (documentDir) await rm(documentDir, { recursive: true, force: true });
  }, 60_000);

  it.each([
    ['patient', '^/api/(bookings|payments|notifications|providers/\\{id\\}/(availability|profile))'],
    ['provider', '^/api/(bookings/(provider|\\{id\\})|providers)'],
    ['admin', '^/api/(admin|providers/\\{id\\}$|dev)'],
  ] as const)(
    'answers the %s’s fuzzed requests only as documented, never with a 5xx',
    async (role, includePath) => {
      const result = await fuzz(binary, fuzzed, platform.url('gateway'), { token: tokens[role], includePath, excludePaths: STREAMS });
      // Long generated URLs would bury the report: each line is cut short.
      const report = result.output
        .split('\n')
        .map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line))
        .join('\n');
      if (result.code !== 0) throw new Error(`schemathesis found answers the document does not describe:\n${report.slice(-30_000)}`);
      expect(result.output).toMatch(/\d+ passed/);
    },
    300_000,
  );

  it('documents what the event stream answers before it streams: 400 for a bad X-Timezone, 401 without a token', async () => {
    const served = (await (await fetch(`${platform.url('gateway')}/docs-json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, unknown> } }>;
    };
    const documented = Object.keys(served.paths['/api/bookings/events']!.get.responses);
    const stream = `${platform.url('gateway')}/api/bookings/events`;
    const badZone = await fetch(stream, { headers: { authorization: `Bearer ${tokens.patient}`, 'x-timezone': 'Mars/Olympus' } });
    const anonymous = await fetch(stream);
    await anonymous.body?.cancel();
    expect([badZone.status, ((await badZone.json()) as { error: { code: string } }).error.code]).toEqual([400, 'INVALID_TIMEZONE']);
    expect(anonymous.status).toBe(401);
    expect(documented).toEqual(expect.arrayContaining(['200', '400', '401']));
  });
});
